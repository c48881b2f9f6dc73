/**
 * Sign-in risk signals: where an IP address probably is, and whether two sign-ins are further
 * apart than anyone could travel in the time between them.
 *
 * <p>SECURITY: exposed to client IP addresses (as the transport reports them, or junk: a lookup
 * of anything that is not an address literal is empty, never an exception or a DNS query) and to
 * an operator-supplied CSV table, which is size-bounded, parsed strictly and refused with the
 * offending line named. Reaches only that one file, at load. Locations are approximate: callers
 * use them to ask for more proof or to warn, never as proof of anything.
 */
package org.postern.auth.risk;
