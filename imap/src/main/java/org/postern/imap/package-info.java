/**
 * The IMAP front end: {@link org.postern.imap.ImapServer} (the STARTTLS port and the implicit-TLS
 * port, a virtual thread per connection) and {@link org.postern.imap.ImapSession} (the state
 * machine), with one class each for the heavier operations (FETCH, SEARCH, the MIME outline of
 * a message) and the selected mailbox's view.
 *
 * <h2>SECURITY</h2>
 * <p>Exposed to anyone who can open a TCP connection to the IMAP ports, before and after
 * authentication: command lines, literals, APPEND messages, SASL responses, and (after sign-in)
 * the stored messages of the signed-in user, which are themselves content from the internet.
 * Bytes reach the session only through the codec's bounded reader ({@code codec.imap}): lines,
 * literals, nesting and tokens are bounded, a synchronising literal is accepted or refused before
 * a byte of it is read, APPEND messages are streamed to durable storage, never held. Before
 * authentication the session uses the codec's smaller pre-authentication limits, accepts only
 * CAPABILITY, NOOP, LOGOUT, STARTTLS, ID, LOGIN and AUTHENTICATE, refuses LOGIN and AUTHENTICATE
 * without TLS (LOGINDISABLED; only the test switch {@code unsafePlaintextLoginOnLoopback} allows
 * them from a loopback address), and ends the connection after {@code preAuthTimeout}.
 * STARTTLS retires the plaintext input before the handshake, so nothing pipelined behind it is
 * ever read as a command. Credentials go only to {@link org.postern.imap.ImapAuthenticator}, whose
 * production implementation is the identity authority's protocol sign-in (throttled and audited
 * there); the session never checks a password. After sign-in, the {@code Caller.User} is the only
 * key to mail: every call goes to {@code mail.mailbox.Mailboxes}, which asks the access policy for
 * the user's own scope, so a session can reach nothing but its user's mailboxes, and "not yours"
 * reads as "no such mailbox". This package can reach no storage, keys or files directly (ArchUnit).
 * Refusals have fixed texts; unexpected failures answer {@code NO [UNAVAILABLE]} with a
 * correlation id that the log has too. Message content is never logged. Bad commands are counted
 * and the connection closed past {@code maxBadCommands}; authenticated sessions close after
 * {@code idleTimeout} of silence (IDLE included: clients re-issue it).
 */
package org.postern.imap;
