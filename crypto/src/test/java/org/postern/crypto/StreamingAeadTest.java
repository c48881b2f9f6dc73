package org.postern.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.model.IntegrityException;

class StreamingAeadTest {
    private static final int SEGMENT = 64 * 1024;
    private static final int HEADER = 40;
    private static final int TAG = 16;
    private static final byte[] AD = "blob:0190a3c4-user:7".getBytes(StandardCharsets.UTF_8);

    private final DataKey key = DataKey.generate();

    @AfterEach
    void wipe() {
        key.close();
    }

    private static byte[] plaintext(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    private byte[] encrypt(byte[] plain) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = StreamingAead.encrypt(key, AD, sink)) {
            out.write(plain);
        }
        return sink.toByteArray();
    }

    private byte[] decrypt(byte[] sealed) throws IOException {
        return decrypt(key, AD, sealed);
    }

    private static byte[] decrypt(DataKey key, byte[] ad, byte[] sealed) throws IOException {
        try (InputStream in = StreamingAead.decrypt(key, ad, new ByteArrayInputStream(sealed))) {
            return in.readAllBytes();
        }
    }

    private void assertRejected(byte[] sealed) {
        assertThatThrownBy(() -> decrypt(sealed)).isInstanceOf(IntegrityException.class);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] segment(byte[] sealed, int index) {
        int from = HEADER + index * (SEGMENT + TAG);
        return Arrays.copyOfRange(sealed, from, Math.min(sealed.length, from + SEGMENT + TAG));
    }

    @Test
    void emptyMessageIsHeaderAndOneEmptyFinalSegment() throws IOException {
        byte[] sealed = encrypt(new byte[0]);
        assertThat(sealed).hasSize(HEADER + TAG);
        assertThat(decrypt(sealed)).isEmpty();
    }

    @Test
    void closingWithoutWritingStillProducesAValidEmptyBlob() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        StreamingAead.encrypt(key, AD, sink).close();
        assertThat(decrypt(sink.toByteArray())).isEmpty();
    }

    @Test
    void oneByteRoundTrips() throws IOException {
        byte[] sealed = encrypt(new byte[] {42});
        assertThat(sealed).hasSize(HEADER + 1 + TAG);
        assertThat(decrypt(sealed)).containsExactly(42);
    }

    @Test
    void exactlyOneSegmentIsASingleFinalSegment() throws IOException {
        byte[] plain = plaintext(SEGMENT);
        byte[] sealed = encrypt(plain);
        assertThat(sealed).hasSize(HEADER + SEGMENT + TAG);
        assertThat(decrypt(sealed)).isEqualTo(plain);
    }

    @Test
    void oneByteMoreThanASegmentMakesTwoSegments() throws IOException {
        byte[] plain = plaintext(SEGMENT + 1);
        byte[] sealed = encrypt(plain);
        assertThat(sealed).hasSize(HEADER + (SEGMENT + TAG) + (1 + TAG));
        assertThat(decrypt(sealed)).isEqualTo(plain);
    }

    @Test
    void sizesAroundTheGrowingBufferGiveTheSameSegmentLayout() throws IOException {
        // The buffer starts at 16 KiB and doubles up to a segment: each step must be invisible.
        for (int size : new int[] {0, 16_383, 16_384, 16_385, 32_768, 32_769, SEGMENT - 1, SEGMENT, SEGMENT + 1,
                2 * SEGMENT + 16_385}) {
            byte[] plain = plaintext(size);
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            try (OutputStream out = StreamingAead.encrypt(key, AD, sink)) {
                for (byte b : plain) {
                    out.write(b);
                }
            }
            byte[] sealed = sink.toByteArray();
            int full = size / SEGMENT - (size > 0 && size % SEGMENT == 0 ? 1 : 0);
            int lastPlain = size - full * SEGMENT;
            assertThat(sealed).as("size %d", size).hasSize(HEADER + full * (SEGMENT + TAG) + lastPlain + TAG);
            assertThat(decrypt(sealed)).as("size %d", size).isEqualTo(plain);
            assertThat(decrypt(encrypt(plain))).as("size %d in one write", size).isEqualTo(plain);
        }
    }

    @Test
    void aboutOneMebibyteRoundTripsWrittenInOddChunks() throws IOException {
        byte[] plain = plaintext(1_000_003);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = StreamingAead.encrypt(key, AD, sink)) {
            int[] sizes = {1, 7, 65_535, 3, 65_537, 131_072, 4_093};
            int at = 0;
            for (int i = 0; at < plain.length; i++) {
                int n = Math.min(sizes[i % sizes.length], plain.length - at);
                if (n == 1) {
                    out.write(plain[at]);
                } else {
                    out.write(plain, at, n);
                }
                at += n;
            }
        }
        assertThat(decrypt(sink.toByteArray())).isEqualTo(plain);
    }

    @Test
    void readingInOddSizedChunksReturnsEveryByte() throws IOException {
        byte[] plain = plaintext(3 * SEGMENT + 12_345);
        byte[] sealed = encrypt(plain);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (InputStream in = StreamingAead.decrypt(key, AD, new ByteArrayInputStream(sealed))) {
            int[] sizes = {1, 13, 4_093, 65_537, 70_000, 2};
            byte[] buf = new byte[80_000];
            for (int i = 0; ; i++) {
                int want = sizes[i % sizes.length];
                int n = want == 1 ? singleByte(in, buf) : in.read(buf, 5, want);
                if (n < 0) {
                    break;
                }
                got.write(buf, want == 1 ? 0 : 5, n);
            }
            assertThat(in.read()).isEqualTo(-1);
            assertThat(in.read(buf, 0, 10)).isEqualTo(-1);
        }
        assertThat(got.toByteArray()).isEqualTo(plain);
    }

    private static int singleByte(InputStream in, byte[] buf) throws IOException {
        int b = in.read();
        if (b < 0) {
            return -1;
        }
        buf[0] = (byte) b;
        return 1;
    }

    @Test
    void readingByteByByteWorksAcrossSegments() throws IOException {
        byte[] plain = plaintext(SEGMENT + 100);
        byte[] sealed = encrypt(plain);
        try (InputStream in = StreamingAead.decrypt(key, AD, new ByteArrayInputStream(sealed))) {
            for (int i = 0; i < plain.length; i++) {
                assertThat(in.read()).isEqualTo(plain[i] & 0xff);
            }
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void zeroLengthReadReturnsZero() throws IOException {
        try (InputStream in = StreamingAead.decrypt(key, AD, new ByteArrayInputStream(encrypt(new byte[5])))) {
            assertThat(in.read(new byte[4], 0, 0)).isZero();
            assertThat(in.readAllBytes()).hasSize(5);
        }
    }

    @Test
    void changingAnyByteOfASmallBlobFails() throws IOException {
        byte[] sealed = encrypt("hello, world".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= (byte) 0x80;
            assertRejected(tampered);
        }
    }

    @Test
    void tamperedHeaderFailsWithoutReleasingPlaintext() throws IOException {
        byte[] sealed = encrypt(plaintext(SEGMENT + 10));
        for (int i = 0; i < HEADER; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            try (InputStream in = StreamingAead.decrypt(key, AD, new ByteArrayInputStream(tampered))) {
                assertThatThrownBy(in::read).isInstanceOf(IntegrityException.class);
            }
        }
    }

    @Test
    void truncationAtASegmentBoundaryFails() throws IOException {
        byte[] sealed = encrypt(plaintext(2 * SEGMENT + 100));
        assertRejected(Arrays.copyOf(sealed, HEADER + (SEGMENT + TAG)));
        assertRejected(Arrays.copyOf(sealed, HEADER + 2 * (SEGMENT + TAG)));
        assertThatThrownBy(() -> decrypt(Arrays.copyOf(sealed, HEADER)))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void truncationOfAnExactMultipleOfSegmentsFails() throws IOException {
        byte[] sealed = encrypt(plaintext(2 * SEGMENT));
        assertThat(sealed).hasSize(HEADER + 2 * (SEGMENT + TAG));
        assertRejected(Arrays.copyOf(sealed, HEADER + (SEGMENT + TAG)));
    }

    @Test
    void truncationInsideASegmentOrHeaderFails() throws IOException {
        byte[] sealed = encrypt(plaintext(SEGMENT + 100));
        for (int len : new int[] {0, 1, HEADER - 1, HEADER + 1, HEADER + TAG - 1, HEADER + 5000, sealed.length - 1}) {
            assertRejected(Arrays.copyOf(sealed, len));
        }
    }

    @Test
    void swappedSegmentsFail() throws IOException {
        byte[] sealed = encrypt(plaintext(3 * SEGMENT + 7));
        byte[] swapped = concat(Arrays.copyOf(sealed, HEADER), segment(sealed, 1), segment(sealed, 0),
                segment(sealed, 2), segment(sealed, 3));
        assertThat(swapped).hasSize(sealed.length);
        assertRejected(swapped);
    }

    @Test
    void droppedMiddleSegmentFails() throws IOException {
        byte[] sealed = encrypt(plaintext(3 * SEGMENT + 7));
        assertRejected(concat(Arrays.copyOf(sealed, HEADER), segment(sealed, 0), segment(sealed, 2), segment(sealed, 3)));
    }

    @Test
    void appendedBytesFail() throws IOException {
        byte[] small = encrypt(plaintext(100));
        assertRejected(concat(small, new byte[] {0}));
        assertRejected(concat(small, new byte[TAG]));
        byte[] full = encrypt(plaintext(SEGMENT));
        assertRejected(concat(full, new byte[] {0}));
        byte[] two = encrypt(plaintext(SEGMENT + 5));
        assertRejected(concat(two, segment(two, 1)));
    }

    @Test
    void segmentsFromAnotherBlobUnderTheSameKeyFail() throws IOException {
        byte[] a = encrypt(plaintext(SEGMENT + 5));
        byte[] b = encrypt(plaintext(SEGMENT + 5));
        assertRejected(concat(Arrays.copyOf(a, HEADER), segment(a, 0), segment(b, 1)));
    }

    @Test
    void wrongAssociatedDataFails() throws IOException {
        byte[] sealed = encrypt(plaintext(500));
        assertThatThrownBy(() -> decrypt(key, "blob:other".getBytes(StandardCharsets.UTF_8), sealed))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("failed to authenticate");
    }

    @Test
    void wrongKeyFails() throws IOException {
        byte[] sealed = encrypt(plaintext(500));
        try (DataKey other = DataKey.generate()) {
            assertThatThrownBy(() -> decrypt(other, AD, sealed)).isInstanceOf(IntegrityException.class);
        }
    }

    @Test
    void segmentsBeforeATamperedOneAreReleasedButNotTheTamperedOne() throws IOException {
        byte[] plain = plaintext(3 * SEGMENT);
        byte[] sealed = encrypt(plain);
        sealed[HEADER + (SEGMENT + TAG) + 10] ^= 1;
        try (InputStream in = StreamingAead.decrypt(key, AD, new ByteArrayInputStream(sealed))) {
            byte[] first = in.readNBytes(SEGMENT);
            assertThat(first).isEqualTo(Arrays.copyOf(plain, SEGMENT));
            assertThatThrownBy(in::read).isInstanceOf(IntegrityException.class);
            assertThatThrownBy(() -> in.read(new byte[10])).as("failure is sticky").isInstanceOf(IntegrityException.class);
        }
    }

    @Test
    void failedSinkLeavesNoValidFinalSegment() throws IOException {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        OutputStream failing = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (captured.size() > HEADER) {
                    throw new IOException("disk full");
                }
                captured.write(b, off, len);
            }
        };
        OutputStream out = StreamingAead.encrypt(key, AD, failing);
        byte[] plain = plaintext(3 * SEGMENT);
        assertThatThrownBy(() -> out.write(plain)).isInstanceOf(IOException.class);
        out.close();
        assertRejected(captured.toByteArray());
    }

    @Test
    void closeClosesTheSinkAndLaterWritesFail() throws IOException {
        boolean[] closed = {false};
        OutputStream sink = new ByteArrayOutputStream() {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        OutputStream out = StreamingAead.encrypt(key, AD, sink);
        out.close();
        assertThat(closed[0]).isTrue();
        assertThatThrownBy(() -> out.write(1)).isInstanceOf(IOException.class);
    }

    @Test
    void encryptingTheSamePlaintextTwiceGivesDifferentBlobs() throws IOException {
        byte[] plain = plaintext(100);
        assertThat(encrypt(plain)).isNotEqualTo(encrypt(plain));
    }
}
