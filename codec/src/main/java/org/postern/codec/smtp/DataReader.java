package org.postern.codec.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Reads the DATA section that follows a 354 reply from the connection's {@link SmtpInput},
 * removes dot-stuffing (RFC 5321 §4.5.2) and writes the message to an output stream as it goes,
 * in constant memory.
 *
 * <p><b>End of data</b> is recognised only at CRLF "." CRLF (the first CRLF may be the one that
 * ended the DATA command, so {@code ".\r\n"} at once is an empty message). Nothing else ends it:
 * not {@code \n.\n}, {@code \r.\r}, {@code \n.\r\n}, {@code \r\n.\n}, {@code \r\n.\r},
 * {@code \r\n\0.\r\n} or any other variant of the 2023 SMTP-smuggling research, so a message can
 * never be cut short into a second, smuggled one.
 *
 * <p><b>Bare line endings.</b> A CR not followed by LF, or an LF not preceded by CR, anywhere in
 * the section makes the outcome {@link DataOutcome.BareLineEnding}. The reader stops writing at
 * that point but keeps consuming to the real CRLF.CRLF so the session stays in step with the
 * client, which then gets a clean 550 5.6.11 for the message (Exchange Online's behaviour; a
 * sender gets a bounce, not a retry loop). Postfix's strict mode disconnects instead; Postern
 * only does that when the search for the end exceeds maxDiscardBytes
 * ({@link DataOutcome.DiscardLimitExceeded}). A LF-only client never reaches DATA: its commands
 * already fail as bare LF lines.
 *
 * <p><b>Size.</b> Bytes are counted after unstuffing; the message may be exactly
 * maxMessageBytes long. One byte more and the reader stops writing, keeps consuming to the end
 * and reports {@link DataOutcome.TooLarge}. If both happen, BareLineEnding wins.
 *
 * <p>NUL and 8-bit bytes pass through unchanged (the MIME layer judges content). The reader
 * never flushes or closes {@code out}; exceptions from {@code out} or the input propagate, and
 * the connection must then be closed.
 */
public final class DataReader {
    private static final int LINE_START = 0; // after CRLF (or at the start of the section)
    private static final int MID_LINE = 1;
    private static final int CR = 2;        // a CR whose LF has not been seen yet
    private static final int DOT = 3;       // a "." at the start of a line
    private static final int DOT_CR = 4;    // ".<CR>" at the start of a line

    private final SmtpInput input;
    private final long maxMessageBytes;
    private final long maxDiscardBytes;

    public DataReader(SmtpInput input, SmtpLimits limits) {
        this.input = Objects.requireNonNull(input);
        this.maxMessageBytes = limits.maxMessageBytes();
        this.maxDiscardBytes = limits.maxDiscardBytes();
    }

    /** Reads one DATA section to its end and writes the unstuffed message to {@code out}. */
    public DataOutcome read(OutputStream out) throws IOException {
        return new Section(out).run();
    }

    /** The state of one section; a fresh one per DATA. */
    private final class Section {
        private final OutputStream out;
        private final byte[] scratch = new byte[8192];
        private int scratchLength;
        private long written;
        private long rawOffset;
        private long firstBare = -1;
        private boolean tooLarge;
        private long discarded;
        private int state = LINE_START;

        Section(OutputStream out) {
            this.out = Objects.requireNonNull(out);
        }

        DataOutcome run() throws IOException {
            while (input.fill()) {
                byte[] buf = input.buffer();
                int end = input.limit();
                for (int i = input.position(); i < end; i++) {
                    if (step(buf[i])) {
                        input.advanceTo(i + 1);
                        return finish();
                    }
                    if ((firstBare >= 0 || tooLarge) && ++discarded > maxDiscardBytes) {
                        input.advanceTo(i + 1);
                        return new DataOutcome.DiscardLimitExceeded(firstBare >= 0
                                ? SmtpReply.BARE_LINE_ENDING_CLOSING : SmtpReply.MESSAGE_TOO_LARGE_CLOSING);
                    }
                }
                input.advanceTo(end);
            }
            return new DataOutcome.EndOfStream();
        }

        /** Consumes one raw byte; true when it completed CRLF.CRLF. */
        private boolean step(byte b) throws IOException {
            long offset = rawOffset++;
            switch (state) {
                case LINE_START -> {
                    if (b == '.') {
                        state = DOT;
                    } else {
                        ordinary(b, offset);
                    }
                }
                case MID_LINE -> ordinary(b, offset);
                case CR -> {
                    if (b == '\n') {
                        emit((byte) '\r');
                        emit((byte) '\n');
                        state = LINE_START;
                    } else {
                        bare(offset - 1); // the CR before this byte
                        ordinary(b, offset);
                    }
                }
                case DOT -> {
                    if (b == '\r') {
                        state = DOT_CR;
                    } else {
                        // RFC 5321 §4.5.2: the leading dot of a longer line is removed ("..x" -> ".x").
                        ordinary(b, offset);
                    }
                }
                case DOT_CR -> {
                    if (b == '\n') {
                        return true;
                    }
                    bare(offset - 1); // ".<CR>" followed by something else: a bare CR
                    ordinary(b, offset);
                }
                default -> throw new IllegalStateException();
            }
            return false;
        }

        /** A byte in the middle of a line (also the first byte of a line that is not a dot). */
        private void ordinary(byte b, long offset) throws IOException {
            if (b == '\r') {
                state = CR;
            } else if (b == '\n') {
                bare(offset);
                state = MID_LINE; // a bare LF does not start a line: "\n.\r\n" is not an end
            } else {
                emit(b);
                state = MID_LINE;
            }
        }

        private void bare(long offset) {
            if (firstBare < 0) {
                firstBare = offset;
            }
        }

        private void emit(byte b) throws IOException {
            if (firstBare >= 0 || tooLarge) {
                return;
            }
            if (written == maxMessageBytes) {
                tooLarge = true;
                return;
            }
            written++;
            scratch[scratchLength++] = b;
            if (scratchLength == scratch.length) {
                out.write(scratch, 0, scratchLength);
                scratchLength = 0;
            }
        }

        private DataOutcome finish() throws IOException {
            if (firstBare >= 0) {
                return new DataOutcome.BareLineEnding(firstBare);
            }
            if (tooLarge) {
                return new DataOutcome.TooLarge(maxMessageBytes);
            }
            if (scratchLength > 0) {
                out.write(scratch, 0, scratchLength);
                scratchLength = 0;
            }
            return new DataOutcome.Accepted(written);
        }
    }
}
