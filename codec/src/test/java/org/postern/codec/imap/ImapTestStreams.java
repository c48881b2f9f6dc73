package org.postern.codec.imap;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/** Input streams that deliver bytes the way TCP may, and count what was taken from them. */
final class ImapTestStreams {
    private ImapTestStreams() {}

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static InputStream whole(String s) {
        return new ByteArrayInputStream(bytes(s));
    }

    /** Delivers exactly the given pieces, one per read call, and counts the bytes delivered. */
    static final class Pieces extends InputStream {
        private final Deque<byte[]> queue = new ArrayDeque<>();
        private byte[] current = new byte[0];
        private int offset;
        private long delivered;

        Pieces(String... pieces) {
            for (String p : pieces) {
                queue.add(bytes(p));
            }
        }

        Pieces(byte[]... pieces) {
            for (byte[] p : pieces) {
                queue.add(p);
            }
        }

        long delivered() {
            return delivered;
        }

        @Override
        public int read() {
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
            delivered += n;
            return n;
        }
    }

    /** Returns at most {@code chunk} bytes per read (0: as much as asked). */
    static InputStream chunked(byte[] data, int chunk) {
        if (chunk <= 0) {
            return new ByteArrayInputStream(data);
        }
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
                int n = Math.min(Math.min(len, chunk), data.length - i);
                System.arraycopy(data, i, b, off, n);
                i += n;
                return n;
            }
        };
    }

    /** A stream of {@code size} bytes of {@code fill}, produced lazily (for huge literals). */
    static InputStream repeat(byte fill, long size) {
        return new InputStream() {
            private long left = size;

            @Override
            public int read() {
                if (left == 0) {
                    return -1;
                }
                left--;
                return fill & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, fill);
                left -= n;
                return n;
            }
        };
    }
}
