package org.postern.codec.imap;

import org.postern.model.InvalidInputException;

/**
 * Every bound the IMAP codec enforces on client input, validated at construction so that a bad
 * configuration is refused at start-up rather than discovered by a client.
 *
 * <p>Memory per connection is the input buffer plus one command buffer that starts small, grows
 * only as a command needs it (never past {@code maxCommandBytes}) and shrinks back after a large
 * command. APPEND message literals are never held: they are handed to the session as a bounded
 * stream.
 *
 * @param maxLineBytes longest line of a command, between literals, CRLF included; RFC 7162 §4
 *     asks servers to accept 8192 octets (1024..1 MiB). Also bounds AUTHENTICATE responses and
 *     the line that ends IDLE
 * @param maxCommandBytes largest command, all its lines and (non-APPEND) literals together
 *     (maxLineBytes..64 MiB)
 * @param maxLiteralBytes largest literal in a command other than an APPEND message: a mailbox
 *     name, a password, a search string (0..maxCommandBytes)
 * @param maxAppendBytes largest APPEND message literal; advertised as {@code APPENDLIMIT}
 *     (RFC 7889) (0..1 TiB)
 * @param literalPlus whether the server advertises {@code LITERAL+} (any non-synchronising literal
 *     within the limits above is read) rather than {@code LITERAL-} (RFC 7888 §4: a
 *     non-synchronising literal over 4096 octets is refused)
 * @param maxNestingDepth deepest nesting of parenthesised lists and of search keys (each
 *     parenthesis, NOT and OR is one level) (1..256)
 * @param maxTokens most tokens in one command: atoms, numbers, strings, list parentheses,
 *     sequence-set elements (16..1,000,000)
 * @param maxMessagesPerAppend most messages in one (MULTIAPPEND) APPEND command (1..100,000)
 * @param maxDiscardBytes how many bytes of a refused command (a non-synchronising literal that
 *     is too large, an over-long line) the reader consumes and throws away to stay in step with
 *     the client; past it the connection must close (0..1 TiB)
 * @param inputBufferBytes the size of the one read buffer per connection (512..1 MiB)
 */
public record ImapLimits(
        int maxLineBytes,
        int maxCommandBytes,
        int maxLiteralBytes,
        long maxAppendBytes,
        boolean literalPlus,
        int maxNestingDepth,
        int maxTokens,
        int maxMessagesPerAppend,
        long maxDiscardBytes,
        int inputBufferBytes) {

    /** RFC 7888 §4: the largest non-synchronising literal a LITERAL- server must accept. */
    public static final int LITERAL_MINUS_MAX_BYTES = 4096;

    private static final long TIB = 1L << 40;

    public ImapLimits {
        check("maxLineBytes", maxLineBytes, 1024, 1 << 20);
        check("maxCommandBytes", maxCommandBytes, maxLineBytes, 64 << 20);
        check("maxLiteralBytes", maxLiteralBytes, 0, maxCommandBytes);
        check("maxAppendBytes", maxAppendBytes, 0, TIB);
        check("maxNestingDepth", maxNestingDepth, 1, 256);
        check("maxTokens", maxTokens, 16, 1_000_000);
        check("maxMessagesPerAppend", maxMessagesPerAppend, 1, 100_000);
        check("maxDiscardBytes", maxDiscardBytes, 0, TIB);
        check("inputBufferBytes", inputBufferBytes, 512, 1 << 20);
    }

    /**
     * The defaults for an authenticated session: 8 KiB lines, 1 MiB commands, 64 KiB literals,
     * 35 MB APPEND messages, LITERAL+, nesting 32, 10,000 tokens, 1,000 messages per APPEND, up to
     * 64 MiB discarded to stay in step, a 4 KiB read buffer.
     */
    public static ImapLimits defaults() {
        return new ImapLimits(8192, 1 << 20, 64 << 10, 35_000_000L, true, 32, 10_000, 1000, 64L << 20, 4096);
    }

    /**
     * The smaller room before authentication (Dovecot's login process is as strict): commands
     * of at most 8 KiB, literals of at most 1 KiB (a LOGIN password), no APPEND, LITERAL-,
     * nesting 2 (ID's list), 100 tokens, 64 KiB discarded at most.
     */
    public static ImapLimits preAuthentication() {
        return new ImapLimits(8192, 8192, 1024, 0, false, 2, 100, 1, 64 << 10, 4096);
    }

    /** The largest non-synchronising literal the reader will accept at all. */
    public long maxNonSynchronizingLiteralBytes() {
        return literalPlus ? Math.max(maxLiteralBytes, maxAppendBytes) : LITERAL_MINUS_MAX_BYTES;
    }

    public ImapLimits withMaxLineBytes(int value) {
        return new ImapLimits(value, Math.max(value, maxCommandBytes), maxLiteralBytes, maxAppendBytes, literalPlus,
                maxNestingDepth, maxTokens, maxMessagesPerAppend, maxDiscardBytes, inputBufferBytes);
    }

    public ImapLimits withMaxCommandBytes(int value) {
        return new ImapLimits(maxLineBytes, value, Math.min(maxLiteralBytes, value), maxAppendBytes, literalPlus,
                maxNestingDepth, maxTokens, maxMessagesPerAppend, maxDiscardBytes, inputBufferBytes);
    }

    public ImapLimits withMaxLiteralBytes(int value) {
        return new ImapLimits(maxLineBytes, maxCommandBytes, value, maxAppendBytes, literalPlus, maxNestingDepth,
                maxTokens, maxMessagesPerAppend, maxDiscardBytes, inputBufferBytes);
    }

    public ImapLimits withMaxAppendBytes(long value) {
        return new ImapLimits(maxLineBytes, maxCommandBytes, maxLiteralBytes, value, literalPlus, maxNestingDepth,
                maxTokens, maxMessagesPerAppend, maxDiscardBytes, inputBufferBytes);
    }

    public ImapLimits withLiteralPlus(boolean value) {
        return new ImapLimits(maxLineBytes, maxCommandBytes, maxLiteralBytes, maxAppendBytes, value, maxNestingDepth,
                maxTokens, maxMessagesPerAppend, maxDiscardBytes, inputBufferBytes);
    }

    public ImapLimits withMaxNestingDepth(int value) {
        return new ImapLimits(maxLineBytes, maxCommandBytes, maxLiteralBytes, maxAppendBytes, literalPlus, value,
                maxTokens, maxMessagesPerAppend, maxDiscardBytes, inputBufferBytes);
    }

    public ImapLimits withMaxTokens(int value) {
        return new ImapLimits(maxLineBytes, maxCommandBytes, maxLiteralBytes, maxAppendBytes, literalPlus,
                maxNestingDepth, value, maxMessagesPerAppend, maxDiscardBytes, inputBufferBytes);
    }

    public ImapLimits withMaxMessagesPerAppend(int value) {
        return new ImapLimits(maxLineBytes, maxCommandBytes, maxLiteralBytes, maxAppendBytes, literalPlus,
                maxNestingDepth, maxTokens, value, maxDiscardBytes, inputBufferBytes);
    }

    public ImapLimits withMaxDiscardBytes(long value) {
        return new ImapLimits(maxLineBytes, maxCommandBytes, maxLiteralBytes, maxAppendBytes, literalPlus,
                maxNestingDepth, maxTokens, maxMessagesPerAppend, value, inputBufferBytes);
    }

    public ImapLimits withInputBufferBytes(int value) {
        return new ImapLimits(maxLineBytes, maxCommandBytes, maxLiteralBytes, maxAppendBytes, literalPlus,
                maxNestingDepth, maxTokens, maxMessagesPerAppend, maxDiscardBytes, value);
    }

    private static void check(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new InvalidInputException("IMAP limit " + name + " must be between " + min + " and " + max
                    + ", not " + value);
        }
    }
}
