package org.postern.codec.smtp;

import org.postern.model.InvalidInputException;

/**
 * Every bound the SMTP codec and session enforce, validated at construction so a bad
 * configuration is refused at start-up rather than discovered by a client.
 *
 * <p>The codec itself enforces {@code maxCommandLineBytes}, {@code maxAuthLineBytes},
 * {@code maxMessageBytes}, {@code maxDiscardBytes} and {@code inputBufferBytes}; the session
 * enforces {@code maxRecipients}, {@code maxUnknownCommands} and {@code maxProtocolErrors}
 * (they live here so that one record configures a listener).
 *
 * @param maxCommandLineBytes longest command line including its CRLF. RFC 5321 §4.5.3.1.4 says
 *     512 and requires at least that; the default 2048 leaves room for ESMTP parameters
 *     (512..65536)
 * @param maxAuthLineBytes longest AUTH command or SASL response line including CRLF; RFC 4954 §4
 *     allows 12288 so that OAuth tokens fit (512..65536)
 * @param maxMessageBytes largest message after dot-unstuffing (DATA) or summed over all chunks
 *     (BDAT); advertised as {@code SIZE}. RFC 5321 §4.5.3.1.7 asks for at least 64 KiB
 *     (1..1 TiB)
 * @param maxRecipients RCPT TO commands accepted per transaction; RFC 5321 §4.5.3.1.8 asks for
 *     100 (1..100000)
 * @param maxUnknownCommands unrecognised commands per connection before it is closed (0..1000)
 * @param maxProtocolErrors syntax errors, bad sequences and rejected lines per connection before
 *     it is closed, like Postfix's hard error limit (1..1000)
 * @param maxDiscardBytes how many bytes a reader will consume and throw away, after it has
 *     decided to reject an over-long line or a message, while looking for the end so the
 *     session stays in step; past it the reader gives up and the connection must close
 *     (0..1 TiB)
 * @param inputBufferBytes the size of the one read buffer per connection (512..1 MiB)
 */
public record SmtpLimits(
        int maxCommandLineBytes,
        int maxAuthLineBytes,
        long maxMessageBytes,
        int maxRecipients,
        int maxUnknownCommands,
        int maxProtocolErrors,
        long maxDiscardBytes,
        int inputBufferBytes) {

    /** RFC 5321 §4.5.3.1.4: a command line, CRLF included, is at most this long. */
    public static final int RFC_COMMAND_LINE_BYTES = 512;
    /** RFC 4954 §4: an AUTH line (command or response), CRLF included, may be this long. */
    public static final int RFC_AUTH_LINE_BYTES = 12288;

    private static final long TIB = 1L << 40;

    public SmtpLimits {
        check("maxCommandLineBytes", maxCommandLineBytes, RFC_COMMAND_LINE_BYTES, 65536);
        check("maxAuthLineBytes", maxAuthLineBytes, RFC_COMMAND_LINE_BYTES, 65536);
        check("maxMessageBytes", maxMessageBytes, 1, TIB);
        check("maxRecipients", maxRecipients, 1, 100_000);
        check("maxUnknownCommands", maxUnknownCommands, 0, 1000);
        check("maxProtocolErrors", maxProtocolErrors, 1, 1000);
        check("maxDiscardBytes", maxDiscardBytes, 0, TIB);
        check("inputBufferBytes", inputBufferBytes, 512, 1 << 20);
    }

    /** The defaults: 2048-byte command lines, 12288-byte AUTH lines, 50 MiB messages, 100 recipients. */
    public static SmtpLimits defaults() {
        return new SmtpLimits(2048, RFC_AUTH_LINE_BYTES, 50L << 20, 100, 10, 20, 64L << 20, 16 << 10);
    }

    /** The longest line the line reader will hold: the larger of the command and AUTH limits. */
    public int maxLineBytes() {
        return Math.max(maxCommandLineBytes, maxAuthLineBytes);
    }

    public SmtpLimits withMaxCommandLineBytes(int value) {
        return new SmtpLimits(value, maxAuthLineBytes, maxMessageBytes, maxRecipients, maxUnknownCommands,
                maxProtocolErrors, maxDiscardBytes, inputBufferBytes);
    }

    public SmtpLimits withMaxAuthLineBytes(int value) {
        return new SmtpLimits(maxCommandLineBytes, value, maxMessageBytes, maxRecipients, maxUnknownCommands,
                maxProtocolErrors, maxDiscardBytes, inputBufferBytes);
    }

    public SmtpLimits withMaxMessageBytes(long value) {
        return new SmtpLimits(maxCommandLineBytes, maxAuthLineBytes, value, maxRecipients, maxUnknownCommands,
                maxProtocolErrors, maxDiscardBytes, inputBufferBytes);
    }

    public SmtpLimits withMaxRecipients(int value) {
        return new SmtpLimits(maxCommandLineBytes, maxAuthLineBytes, maxMessageBytes, value, maxUnknownCommands,
                maxProtocolErrors, maxDiscardBytes, inputBufferBytes);
    }

    public SmtpLimits withMaxUnknownCommands(int value) {
        return new SmtpLimits(maxCommandLineBytes, maxAuthLineBytes, maxMessageBytes, maxRecipients, value,
                maxProtocolErrors, maxDiscardBytes, inputBufferBytes);
    }

    public SmtpLimits withMaxProtocolErrors(int value) {
        return new SmtpLimits(maxCommandLineBytes, maxAuthLineBytes, maxMessageBytes, maxRecipients,
                maxUnknownCommands, value, maxDiscardBytes, inputBufferBytes);
    }

    public SmtpLimits withMaxDiscardBytes(long value) {
        return new SmtpLimits(maxCommandLineBytes, maxAuthLineBytes, maxMessageBytes, maxRecipients,
                maxUnknownCommands, maxProtocolErrors, value, inputBufferBytes);
    }

    public SmtpLimits withInputBufferBytes(int value) {
        return new SmtpLimits(maxCommandLineBytes, maxAuthLineBytes, maxMessageBytes, maxRecipients,
                maxUnknownCommands, maxProtocolErrors, maxDiscardBytes, value);
    }

    private static void check(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new InvalidInputException("SMTP limit " + name + " must be between " + min + " and " + max
                    + ", not " + value);
        }
    }
}
