/**
 * The security audit log: events, the keyed hash chain that makes the log tamper-evident, and
 * the service that appends and verifies it.
 *
 * <p>SECURITY: exposed to event fields partly chosen by clients (addresses, User-Agents, logins
 * in details), which are bounded and stripped of control characters before they are stored, and,
 * when verifying, to rows anyone with database access may have edited, deleted, inserted or
 * reordered: every link is checked with a key the database does not hold, in constant time.
 * Reaches the audit table only, through a server-wide system scope. Never record secrets.
 */
package org.postern.auth.audit;
