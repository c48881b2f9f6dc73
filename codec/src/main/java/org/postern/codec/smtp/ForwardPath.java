package org.postern.codec.smtp;

/** The RCPT TO path: a mailbox, or the bare {@code <Postmaster>} that RFC 5321 §4.1.1.3 requires servers to accept. */
public sealed interface ForwardPath {

    /** The path exactly as sent, brackets and any source route included. */
    String raw();

    /** {@code <Postmaster>} with no domain (any case): the postmaster of this server. */
    record Postmaster(String raw) implements ForwardPath {}

    /** A recipient mailbox; a source route, if sent, is stripped from {@code mailbox} but kept in {@code raw}. */
    record Recipient(Mailbox mailbox, String raw) implements ForwardPath {}
}
