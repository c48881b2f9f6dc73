package org.postern.codec.smtp;

/** What {@link SmtpLineReader#readLine()} found. */
public sealed interface LineResult {

    /**
     * A CRLF-terminated line, without its CRLF. It may hold any other bytes (the parser decides).
     * Its {@link #toString()} never shows the content: an AUTH line carries credentials.
     */
    record Line(byte[] bytes) implements LineResult {
        @Override
        public String toString() {
            return "Line[" + bytes.length + " bytes]";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Line l && java.util.Arrays.equals(bytes, l.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }
    }

    /** A line longer than the limit; it was consumed to its LF and dropped. Reply, count an error, go on. */
    record TooLong() implements LineResult {
        public SmtpReply reply() {
            return SmtpReply.LINE_TOO_LONG;
        }
    }

    /** A line ended by LF without CR; it was dropped. Reply, count an error, go on (or close). */
    record BareLineFeed() implements LineResult {
        public SmtpReply reply() {
            return SmtpReply.BARE_LF;
        }
    }

    /**
     * The client closed its side. {@code unterminatedBytes} were sent after the last complete line
     * (a command without CRLF is never executed).
     */
    record EndOfStream(long unterminatedBytes) implements LineResult {}

    /** An over-long line went on past maxDiscardBytes without an LF: send the reply and close. */
    record DiscardLimitExceeded() implements LineResult {
        public SmtpReply reply() {
            return SmtpReply.LINE_TOO_LONG_CLOSING;
        }
    }
}
