package org.postern.codec.smtp;

/**
 * How a DATA section ended. Only {@link Accepted} means the output holds the whole message; after
 * any other outcome it holds an incomplete prefix that the session must discard.
 */
public sealed interface DataOutcome {

    /**
     * The section ended at CRLF.CRLF, every line ended in CRLF and the message fits. The session
     * replies 250 only once the message is durable.
     *
     * @param messageBytes bytes written after dot-unstuffing (the final CRLF included)
     */
    record Accepted(long messageBytes) implements DataOutcome {}

    /** The message exceeded maxMessageBytes; the section was read to its end. Reply and go on. */
    record TooLarge(long maxMessageBytes) implements DataOutcome {
        public SmtpReply reply() {
            return SmtpReply.MESSAGE_TOO_LARGE;
        }
    }

    /**
     * A CR or LF not part of a CRLF appeared in the section (the SMTP smuggling class); the
     * section was still read to its real CRLF.CRLF end, so the session is in step. Reply and go on.
     *
     * @param firstOffset offset in the raw section (after the 354) of the first bare CR or LF
     */
    record BareLineEnding(long firstOffset) implements DataOutcome {
        public SmtpReply reply() {
            return SmtpReply.BARE_LINE_ENDING_IN_DATA;
        }
    }

    /** The client closed the connection before CRLF.CRLF. Nothing to reply; the transaction is void. */
    record EndOfStream() implements DataOutcome {}

    /**
     * The section was already rejected and went on for more than maxDiscardBytes without an end:
     * send {@code reply} and close the connection.
     */
    record DiscardLimitExceeded(SmtpReply reply) implements DataOutcome {}
}
