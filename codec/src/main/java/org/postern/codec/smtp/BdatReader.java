package org.postern.codec.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Reads the chunks of one CHUNKING (RFC 3030) transaction from the connection's
 * {@link SmtpInput}: exactly the announced number of octets per BDAT, copied to the output
 * unchanged, the transaction bounded by maxMessageBytes. One reader per mail transaction: it
 * keeps the running total and tracks CR/LF pairing across chunk boundaries.
 *
 * <p>Every syntactically valid BDAT must be followed by {@link #read}, even when the session
 * refuses the transaction (pass {@link OutputStream#nullOutputStream()}): the chunk is already
 * on the wire and would otherwise be read as commands.
 */
public final class BdatReader {
    private final SmtpInput input;
    private final long maxMessageBytes;
    private final long maxDiscardBytes;
    private long total;
    private long discarded;
    private boolean tooLarge;
    private boolean pendingCr;
    private boolean bareLineEnding;
    private boolean finished;

    public BdatReader(SmtpInput input, SmtpLimits limits) {
        this.input = Objects.requireNonNull(input);
        this.maxMessageBytes = limits.maxMessageBytes();
        this.maxDiscardBytes = limits.maxDiscardBytes();
    }

    /**
     * Reads one chunk of {@code chunkBytes} octets to {@code out}.
     *
     * @throws IllegalStateException after the LAST chunk or after EndOfStream/DiscardLimitExceeded
     */
    public BdatOutcome read(long chunkBytes, boolean last, OutputStream out) throws IOException {
        Objects.requireNonNull(out);
        if (chunkBytes < 0) {
            throw new IllegalArgumentException("chunk size must not be negative");
        }
        if (finished) {
            throw new IllegalStateException("this BDAT transaction is over; start a new BdatReader");
        }
        if (!tooLarge && chunkBytes > maxMessageBytes - total) {
            tooLarge = true;
        }
        if (tooLarge) {
            if (chunkBytes > maxDiscardBytes - discarded) {
                finished = true;
                return new BdatOutcome.DiscardLimitExceeded(SmtpReply.MESSAGE_TOO_LARGE_CLOSING);
            }
            discarded += chunkBytes;
            if (!copy(chunkBytes, OutputStream.nullOutputStream())) {
                finished = true;
                return new BdatOutcome.EndOfStream();
            }
            finished = last;
            return new BdatOutcome.TooLarge(maxMessageBytes);
        }
        if (!copy(chunkBytes, out)) {
            finished = true;
            return new BdatOutcome.EndOfStream();
        }
        total += chunkBytes;
        if (last) {
            finished = true;
            if (pendingCr) {
                bareLineEnding = true;
            }
        }
        return new BdatOutcome.Accepted(chunkBytes, total, last, bareLineEnding);
    }

    /** Bytes accepted in this transaction so far. */
    public long totalBytes() {
        return total;
    }

    private boolean copy(long remaining, OutputStream out) throws IOException {
        while (remaining > 0) {
            if (!input.fill()) {
                return false;
            }
            byte[] buf = input.buffer();
            int start = input.position();
            int n = (int) Math.min(remaining, input.limit() - start);
            for (int i = start; i < start + n; i++) {
                byte b = buf[i];
                if (pendingCr && b != '\n') {
                    bareLineEnding = true;
                }
                if (b == '\n' && !pendingCr) {
                    bareLineEnding = true;
                }
                pendingCr = b == '\r';
            }
            out.write(buf, start, n);
            input.advanceTo(start + n);
            remaining -= n;
        }
        return true;
    }
}
