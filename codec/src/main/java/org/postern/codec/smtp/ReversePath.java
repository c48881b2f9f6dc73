package org.postern.codec.smtp;

/** The MAIL FROM path: the null sender {@code <>} (bounces) or a mailbox. */
public sealed interface ReversePath {

    /** The path exactly as sent, brackets and any source route included. */
    String raw();

    /** {@code <>}: a bounce or other notification; no reply may be sent to it. */
    record NullSender() implements ReversePath {
        @Override
        public String raw() {
            return "<>";
        }
    }

    /** A sender mailbox; a source route, if sent, is stripped from {@code mailbox} but kept in {@code raw}. */
    record Sender(Mailbox mailbox, String raw) implements ReversePath {}
}
