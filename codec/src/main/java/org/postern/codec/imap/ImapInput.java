package org.postern.codec.imap;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The one buffered input of one IMAP connection, read by {@link ImapCommandReader} for
 * commands, literals, APPEND message streams, SASL responses and the end of IDLE, so that bytes
 * a client pipelined are neither lost nor read twice. Its buffer is fixed at
 * {@link ImapLimits#inputBufferBytes()}.
 *
 * <p>{@link #retire()} ends its life at STARTTLS: bytes the client sent after the STARTTLS line,
 * in plain text, are discarded and never read as commands (the command-injection class of
 * CVE-2011-0411 and CVE-2021-33515).
 *
 * <p>Not thread-safe: one connection, one reading thread. After an {@link IOException} from the
 * stream, or after {@link #retire()}, every read fails with {@link IllegalStateException}.
 */
public final class ImapInput {
    private final InputStream in;
    private final byte[] buffer;
    private int position;
    private int limit;
    private boolean endOfStream;
    private boolean retired;
    private boolean failed;

    public ImapInput(InputStream in, ImapLimits limits) {
        this.in = Objects.requireNonNull(in);
        this.buffer = new byte[limits.inputBufferBytes()];
    }

    /** Whether bytes the client sent are waiting in this buffer, unread. */
    public boolean hasBufferedInput() {
        return position < limit;
    }

    /** How many bytes are waiting in this buffer. */
    public int bufferedBytes() {
        return limit - position;
    }

    /**
     * Whether input is waiting here or in the stream below: true is certain, false proves nothing
     * (bytes may be in flight).
     */
    public boolean hasPendingInput() throws IOException {
        checkUsable();
        return hasBufferedInput() || (!endOfStream && in.available() > 0);
    }

    /**
     * Ends this input's life at STARTTLS: discards the buffered bytes and makes every later read
     * fail. Returns how many bytes were discarded, for the log (non-zero means someone pipelined
     * plain text behind STARTTLS). The session then builds a new input over the TLS stream.
     */
    public int retire() {
        retired = true;
        int n = limit - position;
        position = limit = 0;
        return n;
    }

    /** Whether {@link #retire()} was called. */
    public boolean isRetired() {
        return retired;
    }

    // --- for the reader in this package ---

    byte[] buffer() {
        return buffer;
    }

    int position() {
        return position;
    }

    int limit() {
        return limit;
    }

    void advanceTo(int newPosition) {
        if (newPosition < position || newPosition > limit) {
            throw new IllegalArgumentException("position outside the buffered bytes");
        }
        position = newPosition;
    }

    /** Makes sure at least one byte is buffered; false at end of stream. */
    boolean fill() throws IOException {
        checkUsable();
        if (position < limit) {
            return true;
        }
        if (endOfStream) {
            return false;
        }
        position = limit = 0;
        int n;
        try {
            do {
                n = in.read(buffer, 0, buffer.length);
            } while (n == 0);
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
        if (n < 0) {
            endOfStream = true;
            return false;
        }
        limit = n;
        return true;
    }

    private void checkUsable() {
        if (retired) {
            throw new IllegalStateException("this IMAP input was retired at STARTTLS; read from the new one");
        }
        if (failed) {
            throw new IllegalStateException("this IMAP input failed earlier; close the connection");
        }
    }
}
