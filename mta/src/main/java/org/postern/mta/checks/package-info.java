/**
 * Sender authentication of inbound mail: SPF (RFC 7208), DKIM (RFC 6376, RFC 8463), DMARC (RFC 7489)
 * and the Authentication-Results header (RFC 8601), behind one facade, {@link
 * org.postern.mta.checks.SenderAuthentication}.
 *
 * <p>SECURITY. Everything this package reads is untrusted: the message bytes (header block and
 * body), the SMTP envelope (client address, HELO name, MAIL FROM) and every DNS answer, which the
 * sender's domain or anyone on the path may shape. It reaches only DNS, through {@link
 * org.postern.mta.checks.DnsResolver}, whose servers, per-query timeout, total budget per check,
 * query count and answer sizes are all bounded; it opens no other socket, writes no file and never
 * touches the store. The message is read through a {@link org.postern.mta.checks.MessageSource}
 * exactly once per check, with the header block capped in bytes; the body is only hashed as a
 * stream. Every check fails closed: an error inside a check becomes a {@code temperror} or
 * {@code permerror} result (never an escaping exception, never {@code pass}). Results carry only
 * values this package validated (domain names, selector tokens) or wrote itself (reasons), never
 * free text from DNS or the message, so they are safe to log and to put in a header; addresses are
 * logged only as {@code ***@domain} through {@link org.postern.model.Redact}.
 */
package org.postern.mta.checks;
