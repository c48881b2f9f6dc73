package org.postern.codec.smtp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/** Input streams that deliver bytes the way TCP may: one at a time, or in given pieces. */
final class TestStreams {
    private TestStreams() {}

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static InputStream whole(String s) {
        return new ByteArrayInputStream(bytes(s));
    }

    static InputStream whole(byte[] b) {
        return new ByteArrayInputStream(b);
    }

    /** Returns at most one byte per read call. */
    static InputStream slow(byte[] data) {
        return new InputStream() {
            private int i;

            @Override
            public int read() {
                return i < data.length ? data[i++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (len == 0) {
                    return 0;
                }
                if (i >= data.length) {
                    return -1;
                }
                b[off] = data[i++];
                return 1;
            }

            @Override
            public int available() {
                return Math.min(1, data.length - i);
            }
        };
    }

    static InputStream slow(String s) {
        return slow(bytes(s));
    }

    /** Delivers exactly the given pieces, one per read call (a piece larger than the buffer is split). */
    static InputStream pieces(String... pieces) {
        Deque<byte[]> queue = new ArrayDeque<>();
        for (String p : pieces) {
            queue.add(bytes(p));
        }
        return new InputStream() {
            private byte[] current = new byte[0];
            private int offset;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                while (offset >= current.length) {
                    if (queue.isEmpty()) {
                        return -1;
                    }
                    current = queue.poll();
                    offset = 0;
                }
                int n = Math.min(len, current.length - offset);
                System.arraycopy(current, offset, b, off, n);
                offset += n;
                return n;
            }
        };
    }

    /** Delivers the text in pieces of {@code size} bytes, one per read call. */
    static InputStream slowChunks(String s, int size) {
        byte[] data = bytes(s);
        return new InputStream() {
            private int i;

            @Override
            public int read() {
                return i < data.length ? data[i++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (i >= data.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, size), data.length - i);
                System.arraycopy(data, i, b, off, n);
                i += n;
                return n;
            }
        };
    }
}
