package org.postern.codec.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * The one buffered input of one SMTP connection, shared by {@link SmtpLineReader},
 * {@link DataReader} and {@link BdatReader} so that bytes a client pipelined behind a command
 * are neither lost nor read twice when the session switches from commands to message data and
 * back. Its buffer is fixed at {@link SmtpLimits#inputBufferBytes()}: memory per connection is
 * constant whatever the client sends.
 *
 * <p>It also answers the session's pipelining questions: {@link #hasBufferedInput()} tells
 * whether the client has already sent more than the reader has consumed (RFC 2920 forbids that
 * after some commands), and {@link #retire()} discards such bytes when the stream is handed to TLS
 * (the STARTTLS command-injection class, CVE-2011-0411).
 *
 * <p>Not thread-safe: one connection, one thread. After an {@link IOException} from the
 * underlying stream, or after {@link #retire()}, every read fails with
 * {@link IllegalStateException}: the position in the protocol is no longer known.
 */
public final class SmtpInput {
    private final InputStream in;
    private final byte[] buffer;
    private int position;
    private int limit;
    private boolean endOfStream;
    private boolean retired;
    private boolean failed;

    public SmtpInput(InputStream in, SmtpLimits limits) {
        this.in = Objects.requireNonNull(in);
        this.buffer = new byte[limits.inputBufferBytes()];
    }

    /** Whether bytes the client sent are waiting in this buffer, unread by any reader. */
    public boolean hasBufferedInput() {
        return position < limit;
    }

    /** How many bytes are waiting in this buffer. */
    public int bufferedBytes() {
        return limit - position;
    }

    /**
     * Whether input is waiting here or in the stream below ({@link InputStream#available()}): for
     * the "talks before the greeting" check and for refusing pipelining where the session
     * forbids it. A false answer proves nothing (bytes may be in flight); a true one is certain.
     */
    public boolean hasPendingInput() throws IOException {
        checkUsable();
        return hasBufferedInput() || (!endOfStream && in.available() > 0);
    }

    /** Throws away the buffered bytes (not the stream's) and returns how many there were. */
    public int discardBuffered() {
        int n = limit - position;
        position = limit = 0;
        return n;
    }

    /**
     * Removes and returns the buffered bytes, for a consumer that parses them under its own rules.
     * Never feed them back into SMTP parsing after STARTTLS: that is the injection this class
     * exists to stop. At STARTTLS use {@link #retire()}.
     */
    public byte[] takeBuffered() {
        byte[] out = Arrays.copyOfRange(buffer, position, limit);
        position = limit = 0;
        return out;
    }

    /**
     * Ends this input's life when the connection switches to TLS: discards the buffered bytes
     * (plain text the client sent after STARTTLS, which must never be read as commands) and makes
     * every later read fail. Returns how many bytes were discarded, for the log. The session then
     * builds a new {@code SmtpInput} over the TLS stream.
     */
    public int retire() {
        retired = true;
        return discardBuffered();
    }

    /** Whether {@link #retire()} was called. */
    public boolean isRetired() {
        return retired;
    }

    // --- for the readers in this package ---

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

    /**
     * Makes sure at least one byte is buffered, reading from the stream if needed.
     *
     * @return false at end of stream
     */
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
            throw new IllegalStateException("this SMTP input was retired at STARTTLS; read from the new one");
        }
        if (failed) {
            throw new IllegalStateException("this SMTP input failed earlier; close the connection");
        }
    }
}
