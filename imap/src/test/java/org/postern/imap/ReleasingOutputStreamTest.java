package org.postern.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Whatever the mix of single bytes, small and large writes and flushes, the bytes arrive in order. */
class ReleasingOutputStreamTest {
    @Test
    void everyByteArrivesInOrder() throws IOException {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            int[] flushes = {0};
            ReleasingOutputStream out = new ReleasingOutputStream(new java.io.FilterOutputStream(wire) {
                @Override
                public void flush() throws IOException {
                    flushes[0]++;
                    super.flush();
                }
            }, 1 + random.nextInt(64));
            for (int op = 0; op < 50; op++) {
                switch (random.nextInt(4)) {
                    case 0 -> {
                        int b = random.nextInt(256);
                        out.write(b);
                        expected.write(b);
                    }
                    case 1, 2 -> {
                        byte[] chunk = new byte[random.nextInt(150)];
                        random.nextBytes(chunk);
                        int off = chunk.length == 0 ? 0 : random.nextInt(chunk.length);
                        int len = random.nextInt(chunk.length - off + 1);
                        out.write(chunk, off, len);
                        expected.write(chunk, off, len);
                    }
                    default -> {
                        out.flush();
                        assertThat(wire.toByteArray()).isEqualTo(expected.toByteArray());
                    }
                }
            }
            out.flush();
            assertThat(wire.toByteArray()).isEqualTo(expected.toByteArray());
            assertThat(flushes[0]).isPositive();
        }
    }
}
