package org.postern.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.postern.model.IntegrityException;

/**
 * Segmented AES-256-GCM for message blobs of any size, in constant memory. A per-blob key is
 * derived with HKDF-SHA256 from the data key, a random salt and the associated data; each 64 KiB
 * segment has its own nonce (prefix, index, last-segment flag), so truncation, reordering,
 * appended data, a swapped blob or a wrong key all fail to decrypt.
 *
 * <p>Format: a 40-byte header (version 0x01, 32-byte salt, 7-byte nonce prefix), then segments of
 * 64 KiB plaintext plus a 16-byte tag each; the last segment holds 0 to 64 KiB of plaintext and is
 * the only one whose nonce carries the last-segment flag. Segment {@code i}'s nonce is
 * {@code prefix || i (4 bytes, big-endian) || flag (1 byte)}; every segment is authenticated with
 * the associated data.
 */
public final class StreamingAead {
    static final byte VERSION = 0x01;
    static final int SALT_BYTES = 32;
    static final int PREFIX_BYTES = 7;
    static final int HEADER_BYTES = 1 + SALT_BYTES + PREFIX_BYTES;
    static final int SEGMENT_PLAINTEXT_BYTES = 64 * 1024;
    static final int SEGMENT_CIPHERTEXT_BYTES = SEGMENT_PLAINTEXT_BYTES + AesGcm.TAG_BYTES;
    private static final byte[] INFO_PREFIX = "postern-blob-v1".getBytes(StandardCharsets.US_ASCII);
    private static final long MAX_SEGMENTS = 1L << 32;
    static final int INITIAL_BUFFER_BYTES = 16 * 1024;

    private StreamingAead() {}

    /** Encrypts everything written to the returned stream into {@code sink}; close() finishes and closes sink. */
    public static OutputStream encrypt(DataKey key, byte[] associatedData, OutputStream sink) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(associatedData, "associatedData");
        Objects.requireNonNull(sink, "sink");
        return new EncryptingStream(key, associatedData.clone(), sink);
    }

    /**
     * Decrypts {@code source}; reading throws {@link org.postern.model.IntegrityException} as soon
     * as a segment fails to authenticate, and at the end if the stream was truncated.
     */
    public static InputStream decrypt(DataKey key, byte[] associatedData, InputStream source) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(associatedData, "associatedData");
        Objects.requireNonNull(source, "source");
        return new DecryptingStream(key, associatedData.clone(), source);
    }

    /** HKDF-SHA256(ikm = data key, salt, info = "postern-blob-v1" || associatedData), 32 bytes. */
    static SecretKeySpec blobKey(DataKey key, byte[] salt, byte[] associatedData) {
        byte[] ikm = key.copyBytes();
        byte[] info = new byte[INFO_PREFIX.length + associatedData.length];
        System.arraycopy(INFO_PREFIX, 0, info, 0, INFO_PREFIX.length);
        System.arraycopy(associatedData, 0, info, INFO_PREFIX.length, associatedData.length);
        byte[] okm = new byte[DataKey.BYTES];
        try {
            HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
            hkdf.init(new HKDFParameters(ikm, salt, info));
            hkdf.generateBytes(okm, 0, okm.length);
            return new SecretKeySpec(okm, "AES");
        } finally {
            Arrays.fill(ikm, (byte) 0);
            Arrays.fill(okm, (byte) 0);
        }
    }

    static byte[] segmentNonce(byte[] prefix, long index, boolean last) {
        byte[] nonce = new byte[AesGcm.NONCE_BYTES];
        System.arraycopy(prefix, 0, nonce, 0, PREFIX_BYTES);
        nonce[7] = (byte) (index >>> 24);
        nonce[8] = (byte) (index >>> 16);
        nonce[9] = (byte) (index >>> 8);
        nonce[10] = (byte) index;
        nonce[11] = (byte) (last ? 1 : 0);
        return nonce;
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance(AesGcm.TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available on this JVM", e);
        }
    }

    /**
     * Buffers one segment of plaintext. A full buffer is written out as a non-final segment only
     * when another byte arrives, so close() can always mark the real last segment as final.
     *
     * <p>close() declares the plaintext complete. A caller whose own source failed part-way must
     * not rely on the blob being rejected later: it should discard the sink's output, because a
     * closed stream is a valid (shorter) blob. If writing to the sink fails, this stream is broken
     * and close() does not write a final segment.
     */
    private static final class EncryptingStream extends OutputStream {
        private final DataKey key;
        private final byte[] associatedData;
        private final OutputStream sink;
        private final Cipher cipher = newCipher();
        // Most mail is far smaller than a segment: the buffers start small and grow to one
        // segment only for a message that needs it (the format is the same either way).
        private byte[] plain = new byte[INITIAL_BUFFER_BYTES];
        private byte[] sealed = new byte[INITIAL_BUFFER_BYTES + AesGcm.TAG_BYTES];
        private SecretKeySpec blobKey;
        private byte[] prefix;
        private int buffered;
        private long segmentIndex;
        private boolean broken;
        private boolean closed;

        EncryptingStream(DataKey key, byte[] associatedData, OutputStream sink) {
            this.key = key;
            this.associatedData = associatedData;
            this.sink = sink;
        }

        private void startIfNeeded() throws IOException {
            if (blobKey != null) {
                return;
            }
            byte[] salt = Secrets.randomBytes(SALT_BYTES);
            prefix = Secrets.randomBytes(PREFIX_BYTES);
            blobKey = blobKey(key, salt, associatedData);
            byte[] header = new byte[HEADER_BYTES];
            header[0] = VERSION;
            System.arraycopy(salt, 0, header, 1, SALT_BYTES);
            System.arraycopy(prefix, 0, header, 1 + SALT_BYTES, PREFIX_BYTES);
            guarded(() -> sink.write(header));
        }

        @Override
        public void write(int b) throws IOException {
            requireUsable();
            startIfNeeded();
            if (buffered == plain.length) {
                makeRoom();
            }
            plain[buffered++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            requireUsable();
            startIfNeeded();
            while (len > 0) {
                if (buffered == plain.length) {
                    makeRoom();
                }
                int n = Math.min(len, plain.length - buffered);
                System.arraycopy(b, off, plain, buffered, n);
                buffered += n;
                off += n;
                len -= n;
            }
        }

        /** A full buffer: grow it while it is smaller than a segment, else write the segment out. */
        private void makeRoom() throws IOException {
            if (plain.length < SEGMENT_PLAINTEXT_BYTES) {
                byte[] bigger = Arrays.copyOf(plain, Math.min(SEGMENT_PLAINTEXT_BYTES, plain.length * 2));
                Arrays.fill(plain, (byte) 0);
                plain = bigger;
                sealed = new byte[plain.length + AesGcm.TAG_BYTES];
            } else {
                emit(false);
            }
        }

        private void emit(boolean last) throws IOException {
            if (segmentIndex >= MAX_SEGMENTS) {
                broken = true;
                throw new IOException("blob exceeds the maximum of 2^32 segments");
            }
            byte[] nonce = segmentNonce(prefix, segmentIndex, last);
            int n;
            try {
                cipher.init(Cipher.ENCRYPT_MODE, blobKey, new GCMParameterSpec(AesGcm.TAG_BITS, nonce));
                cipher.updateAAD(associatedData);
                n = cipher.doFinal(plain, 0, buffered, sealed, 0);
            } catch (GeneralSecurityException e) {
                broken = true;
                throw new IllegalStateException("AES-GCM failed to encrypt a segment", e);
            }
            int written = n;
            guarded(() -> sink.write(sealed, 0, written));
            segmentIndex++;
            Arrays.fill(plain, 0, buffered, (byte) 0);
            buffered = 0;
        }

        private void guarded(IoAction action) throws IOException {
            try {
                action.run();
            } catch (IOException | RuntimeException e) {
                broken = true;
                throw e;
            }
        }

        private void requireUsable() throws IOException {
            if (closed) {
                throw new IOException("encrypting stream is closed");
            }
            if (broken) {
                throw new IOException("encrypting stream failed earlier; the blob is incomplete");
            }
        }

        @Override
        public void flush() throws IOException {
            requireUsable();
            sink.flush();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (!broken) {
                    startIfNeeded();
                    emit(true);
                    sink.flush();
                }
            } finally {
                Arrays.fill(plain, (byte) 0);
                sink.close();
            }
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    /**
     * Reads one segment ahead plus one byte: a full segment followed by more data is a middle
     * segment, anything that ends the stream is the final one. Plaintext is released only after its
     * segment authenticated; any failure is sticky.
     */
    private static final class DecryptingStream extends InputStream {
        private final DataKey key;
        private final byte[] associatedData;
        private final InputStream source;
        private final Cipher cipher = newCipher();
        /** One ciphertext segment and one byte of look-ahead. */
        private final byte[] sealed = new byte[SEGMENT_CIPHERTEXT_BYTES + 1];
        private final byte[] plain = new byte[SEGMENT_PLAINTEXT_BYTES];
        private SecretKeySpec blobKey;
        private byte[] prefix;
        private int carried;
        private int pos;
        private int limit;
        private long segmentIndex;
        private boolean finished;
        private IntegrityException failure;
        private boolean closed;

        DecryptingStream(DataKey key, byte[] associatedData, InputStream source) {
            this.key = key;
            this.associatedData = associatedData;
            this.source = source;
        }

        @Override
        public int read() throws IOException {
            if (pos == limit && !fill()) {
                return -1;
            }
            return plain[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                requireOpen();
                return 0;
            }
            if (pos == limit && !fill()) {
                return -1;
            }
            int n = Math.min(len, limit - pos);
            System.arraycopy(plain, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() throws IOException {
            requireOpen();
            return limit - pos;
        }

        private void requireOpen() throws IOException {
            if (closed) {
                throw new IOException("decrypting stream is closed");
            }
            if (failure != null) {
                throw new IntegrityException(failure.getMessage(), failure);
            }
        }

        /** Decrypts the next segment into {@code plain}; false at the end of an intact blob. */
        private boolean fill() throws IOException {
            requireOpen();
            try {
                while (pos == limit) {
                    if (finished) {
                        return false;
                    }
                    nextSegment();
                }
                return true;
            } catch (IntegrityException e) {
                failure = e;
                pos = limit = 0;
                Arrays.fill(plain, (byte) 0);
                throw e;
            }
        }

        private void nextSegment() throws IOException {
            if (blobKey == null) {
                readHeader();
            }
            int have = carried + source.readNBytes(sealed, carried, sealed.length - carried);
            boolean last = have <= SEGMENT_CIPHERTEXT_BYTES;
            int segmentBytes = last ? have : SEGMENT_CIPHERTEXT_BYTES;
            if (segmentBytes < AesGcm.TAG_BYTES) {
                throw new IntegrityException("blob is truncated: it ends without its final segment");
            }
            if (segmentIndex >= MAX_SEGMENTS) {
                throw new IntegrityException("blob has more than 2^32 segments");
            }
            byte[] nonce = segmentNonce(prefix, segmentIndex, last);
            pos = limit = 0;
            try {
                cipher.init(Cipher.DECRYPT_MODE, blobKey, new GCMParameterSpec(AesGcm.TAG_BITS, nonce));
                cipher.updateAAD(associatedData);
                limit = cipher.doFinal(sealed, 0, segmentBytes, plain, 0);
            } catch (AEADBadTagException e) {
                throw new IntegrityException("blob segment " + segmentIndex
                        + " failed to authenticate: tampered, truncated, reordered, moved, or wrong key");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM failed to decrypt a segment", e);
            }
            segmentIndex++;
            if (last) {
                finished = true;
                carried = 0;
            } else {
                sealed[0] = sealed[SEGMENT_CIPHERTEXT_BYTES];
                carried = 1;
            }
        }

        private void readHeader() throws IOException {
            byte[] header = source.readNBytes(HEADER_BYTES);
            if (header.length < HEADER_BYTES) {
                throw new IntegrityException("blob is truncated: " + header.length + " bytes, shorter than its header");
            }
            if (header[0] != VERSION) {
                throw new IntegrityException("blob has unknown format version " + (header[0] & 0xff));
            }
            byte[] salt = Arrays.copyOfRange(header, 1, 1 + SALT_BYTES);
            prefix = Arrays.copyOfRange(header, 1 + SALT_BYTES, HEADER_BYTES);
            blobKey = blobKey(key, salt, associatedData);
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            pos = limit = 0;
            Arrays.fill(plain, (byte) 0);
            source.close();
        }
    }
}
