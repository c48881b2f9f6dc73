/**
 * Outbound delivery: the persistent queue as services see it ({@link
 * org.postern.mta.outbound.OutboundQueue}) and the delivery workers ({@link
 * org.postern.mta.outbound.OutboundDelivery}) that send queued mail to remote SMTP servers and
 * bring bounces (RFC 3464 DSNs) back to the sender through {@link org.postern.mta.intake.Intake}.
 *
 * <p>SECURITY. The workers connect to servers named by DNS (or by the operator's routing
 * overrides) and everything those servers send is untrusted: greetings, EHLO keywords, replies,
 * and the timing of all of them. Replies are read only through the codec's bounded
 * {@link org.postern.codec.smtp.RemoteReplyReader} (line length, line count, printable ASCII, one
 * code per reply); every connect, read and write has a timeout; a remote server's words are kept
 * only as a bounded one-line summary (in the queue row, the log, and a DSN's Diagnostic-Code,
 * where control characters are flattened so nothing can become a header or a MIME boundary).
 * Data the server sends behind its STARTTLS reply ends the session. Opportunistic TLS does not
 * check certificates; a destination listed as TLS-required gets STARTTLS with certificate and
 * host-name verification or nothing, as does one whose MTA-STS policy says enforce. An MX host
 * with DNSSEC-authenticated TLSA records (the resolver's AD bit, {@link
 * org.postern.mta.outbound.DanePolicy}) gets STARTTLS with a certificate matching them or
 * nothing; the TLSA data is untrusted input too, parsed strictly and bounded. The MTA-STS
 * policy host is untrusted too: fetched over HTTPS with a verified certificate, no redirects,
 * bounded headers and body, timeouts, and parsed strictly. DNS answers go through the bounded resolver, and addresses
 * from DNS that are loopback, link-local, multicast or unspecified are never connected to. The
 * queued content is a blob under the sender's data key, decrypted only while it is sent or while
 * its header section is copied into a DSN (never its body). Queue rows are reached through
 * repositories with a scope from the access policy; addresses are logged as {@code ***@domain}.
 */
package org.postern.mta.outbound;
