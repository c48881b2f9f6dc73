/**
 * DKIM signing of outgoing mail (RFC 6376, RFC 8463) and the domains' signing keys.
 *
 * <p>SECURITY: the signer reads messages that authenticated users submitted, after the
 * submission session has checked and fixed their header section; it reads the header block up to
 * a bound and streams the body through a hash, never parsing MIME. Private keys are generated
 * here, stored only sealed under the master key ring (bound to tenant, domain and selector), and
 * unsealed in memory for one signing; they are never logged or written in the clear. Which
 * domain signs is decided by the From: address the session already proved the user owns, so a
 * user can only get signatures for a domain they hold an active address in.
 */
package org.postern.mta.dkim;
