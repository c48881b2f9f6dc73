package org.postern.imap;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A buffered output stream whose buffer exists only between a write and the next flush: a
 * session flushes after every command, so the thousands of idle connections a server holds keep
 * no output buffer at all, and a busy one allocates one per command (short-lived, cheap).
 * Not thread-safe; the session serialises writers.
 */
final class ReleasingOutputStream extends OutputStream {
    private final OutputStream out;
    private final int size;
    private byte[] buffer;
    private int count;

    ReleasingOutputStream(OutputStream out, int size) {
        this.out = Objects.requireNonNull(out);
        if (size < 1) {
            throw new IllegalArgumentException("size must be positive");
        }
        this.size = size;
    }

    @Override
    public void write(int b) throws IOException {
        if (buffer == null) {
            buffer = new byte[size];
        } else if (count == buffer.length) {
            drain();
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len >= size) {
            // Larger than the buffer: what is buffered goes first, then this, unbuffered.
            drain();
            out.write(b, off, len);
            return;
        }
        if (buffer == null) {
            buffer = new byte[size];
        } else if (len > buffer.length - count) {
            drain();
        }
        System.arraycopy(b, off, buffer, count, len);
        count += len;
    }

    @Override
    public void flush() throws IOException {
        drain();
        buffer = null;
        out.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            out.close();
        }
    }

    private void drain() throws IOException {
        if (count > 0) {
            out.write(buffer, 0, count);
            count = 0;
        }
    }
}
