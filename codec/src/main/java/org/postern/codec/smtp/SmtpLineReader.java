package org.postern.codec.smtp;

import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads CRLF-terminated lines (commands, SASL responses) from an {@link SmtpInput}, holding at
 * most {@link SmtpLimits#maxLineBytes()} bytes of a line (CRLF included): longer lines are
 * consumed to their end without being kept and reported as {@link LineResult.TooLong}. Works the
 * same whether a line arrives in pieces or many pipelined lines arrive at once; the bytes after
 * the line stay in the shared input for the next read, by this reader or a data reader.
 *
 * <p>A line ended by a bare LF is reported as {@link LineResult.BareLineFeed} and not executed:
 * RFC 5321 §2.3.8 requires CRLF, and Netty's and Postfix's experience is that tolerating LF in
 * SMTP invites desynchronisation between servers. A CR elsewhere in a line is not a line end; it
 * stays in the line for the parser to refuse.
 *
 * <p>The reader holds the bound {@link SmtpLimits#maxLineBytes()} (the larger of the command and
 * AUTH limits, so that an AUTH line with an OAuth token fits); {@link SmtpCommandParser} then
 * applies the command limit to every verb but AUTH.
 */
public final class SmtpLineReader {
    private final SmtpInput input;
    private final byte[] line;
    private final long maxDiscardBytes;

    public SmtpLineReader(SmtpInput input, SmtpLimits limits) {
        this.input = Objects.requireNonNull(input);
        // Bytes before the LF, the CR included: a line of maxLineBytes with its CRLF fits exactly.
        this.line = new byte[limits.maxLineBytes() - 1];
        this.maxDiscardBytes = limits.maxDiscardBytes();
    }

    /**
     * Whether the client has sent bytes beyond the last line read (pipelined commands, or data
     * sent too early); the same as {@link SmtpInput#hasBufferedInput()} on the shared input.
     */
    public boolean hasBufferedInput() {
        return input.hasBufferedInput();
    }

    /** Reads the next line; blocks until one is complete, the stream ends, or the stream fails. */
    public LineResult readLine() throws IOException {
        int length = 0;
        boolean tooLong = false;
        long discarded = 0;
        while (input.fill()) {
            byte[] buf = input.buffer();
            int start = input.position();
            int end = input.limit();
            int lf = -1;
            for (int i = start; i < end; i++) {
                if (buf[i] == '\n') {
                    lf = i;
                    break;
                }
            }
            int take = (lf < 0 ? end : lf) - start;
            if (!tooLong) {
                if (length + take <= line.length) {
                    System.arraycopy(buf, start, line, length, take);
                    length += take;
                } else {
                    tooLong = true;
                    discarded = length + take - line.length;
                }
            } else {
                discarded += take;
            }
            if (tooLong && discarded > maxDiscardBytes) {
                input.advanceTo(lf < 0 ? end : lf + 1);
                return new LineResult.DiscardLimitExceeded();
            }
            if (lf < 0) {
                input.advanceTo(end);
                continue;
            }
            input.advanceTo(lf + 1);
            if (tooLong) {
                return new LineResult.TooLong();
            }
            if (length == 0 || line[length - 1] != '\r') {
                return new LineResult.BareLineFeed();
            }
            return new LineResult.Line(Arrays.copyOf(line, length - 1));
        }
        return new LineResult.EndOfStream(tooLong ? line.length + discarded : length);
    }
}
