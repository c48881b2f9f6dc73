package org.postern.codec.smtp;

/** How one BDAT chunk was read. */
public sealed interface BdatOutcome {

    /**
     * The chunk was read whole and written.
     *
     * @param chunkBytes the chunk's size
     * @param totalBytes bytes in this transaction so far, this chunk included
     * @param last whether this was the LAST chunk
     * @param bareLineEnding whether a CR or LF outside CRLF has appeared in the transaction so far
     *     (across chunk boundaries); unless the MAIL said BODY=BINARYMIME, the session refuses a
     *     message with one at LAST ({@link SmtpReply#BARE_LINE_ENDING_IN_DATA})
     */
    record Accepted(long chunkBytes, long totalBytes, boolean last, boolean bareLineEnding) implements BdatOutcome {}

    /**
     * The transaction exceeds maxMessageBytes; this chunk was consumed and dropped, and so will
     * every later chunk of the transaction be. Reply and go on.
     */
    record TooLarge(long maxMessageBytes) implements BdatOutcome {
        public SmtpReply reply() {
            return SmtpReply.MESSAGE_TOO_LARGE;
        }
    }

    /** The client closed the connection inside the chunk. */
    record EndOfStream() implements BdatOutcome {}

    /**
     * Consuming the chunk to drop it would exceed maxDiscardBytes; nothing was read. Send
     * {@code reply} and close: the rest of the chunk can never be told apart from commands.
     */
    record DiscardLimitExceeded(SmtpReply reply) implements BdatOutcome {}
}
