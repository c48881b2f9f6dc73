package org.postern.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.postern.model.BlobId;
import org.postern.model.ConflictException;
import org.postern.model.NotFoundException;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.blob.BlobRef;
import org.postern.store.blob.BlobStore;

/**
 * What every {@link BlobStore} must do. A backend's test implements this interface and returns,
 * from {@link #blobStore()}, a store that is empty when each test starts.
 */
public interface BlobStoreContract {

    /** The store under test: empty at the start of each test. */
    BlobStore blobStore();

    static BlobRef newRef() {
        return new BlobRef(TenantId.random(), UserId.random(), BlobId.random());
    }

    static byte[] readAll(BlobStore store, BlobRef ref) throws IOException {
        try (InputStream in = store.open(ref)) {
            return in.readAllBytes();
        }
    }

    @Test
    default void emptyBlobRoundTrips() throws IOException {
        BlobRef ref = newRef();
        assertThat(blobStore().put(ref, new ByteArrayInputStream(new byte[0]))).isZero();
        assertThat(blobStore().exists(ref)).isTrue();
        assertThat(readAll(blobStore(), ref)).isEmpty();
    }

    @Test
    default void smallBlobRoundTrips() throws IOException {
        BlobRef ref = newRef();
        byte[] content = "Subject: hello\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(blobStore().put(ref, new ByteArrayInputStream(content))).isEqualTo(content.length);
        assertThat(readAll(blobStore(), ref)).isEqualTo(content);
    }

    @Test
    default void multiMegabyteBlobIsStreamedInAndOut() throws Exception {
        BlobRef ref = newRef();
        long size = 12L * 1024 * 1024 + 17;
        GeneratedStream source = new GeneratedStream(size, 42);
        MessageDigest written = MessageDigest.getInstance("SHA-256");
        assertThat(blobStore().put(ref, new DigestInputStream(source, written))).isEqualTo(size);

        MessageDigest read = MessageDigest.getInstance("SHA-256");
        long count = 0;
        try (InputStream in = blobStore().open(ref)) {
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) > 0; ) {
                read.update(buffer, 0, n);
                count += n;
            }
        }
        assertThat(count).isEqualTo(size);
        assertThat(read.digest()).isEqualTo(written.digest());
    }

    @Test
    default void blobsAreWriteOnce() throws IOException {
        BlobRef ref = newRef();
        blobStore().put(ref, bytes("first"));
        assertThatThrownBy(() -> blobStore().put(ref, bytes("second"))).isInstanceOf(ConflictException.class);
        assertThat(readAll(blobStore(), ref)).isEqualTo("first".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    default void concurrentPutsOfOneRefStoreExactlyOne() throws Exception {
        BlobRef ref = newRef();
        int writers = 6;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            for (int i = 0; i < writers; i++) {
                String content = "writer-" + i;
                Callable<String> task = () -> {
                    start.await();
                    try {
                        blobStore().put(ref, bytes(content));
                        return content;
                    } catch (ConflictException e) {
                        return null;
                    }
                };
                results.add(pool.submit(task));
            }
            start.countDown();
        }
        List<String> winners = new ArrayList<>();
        for (Future<String> f : results) {
            if (f.get() != null) {
                winners.add(f.get());
            }
        }
        assertThat(winners).hasSize(1);
        assertThat(new String(readAll(blobStore(), ref), StandardCharsets.US_ASCII)).isEqualTo(winners.getFirst());
    }

    @Test
    default void openingAMissingBlobIsNotFound() {
        assertThatThrownBy(() -> blobStore().open(newRef())).isInstanceOf(NotFoundException.class);
    }

    @Test
    default void aBlobOpensOnlyUnderItsOwnRef() throws IOException {
        BlobRef ref = newRef();
        blobStore().put(ref, bytes("mine"));
        BlobRef otherOwner = new BlobRef(ref.tenantId(), UserId.random(), ref.blobId());
        BlobRef otherTenant = new BlobRef(TenantId.random(), ref.ownerId(), ref.blobId());
        assertThat(blobStore().exists(otherOwner)).isFalse();
        assertThat(blobStore().exists(otherTenant)).isFalse();
        assertThatThrownBy(() -> blobStore().open(otherOwner)).isInstanceOf(NotFoundException.class);
        assertThat(blobStore().delete(otherTenant)).isFalse();
        assertThat(blobStore().exists(ref)).isTrue();
    }

    @Test
    default void deleteRemovesTheBlobAndSaysWhetherThereWasOne() throws IOException {
        BlobRef ref = newRef();
        blobStore().put(ref, bytes("bye"));
        assertThat(blobStore().delete(ref)).isTrue();
        assertThat(blobStore().exists(ref)).isFalse();
        assertThatThrownBy(() -> blobStore().open(ref)).isInstanceOf(NotFoundException.class);
        assertThat(blobStore().delete(ref)).isFalse();
        assertThat(blobStore().delete(newRef())).isFalse();
    }

    @Test
    default void listReturnsEveryStoredBlobAndNoDeletedOne() throws IOException {
        BlobRef a = newRef();
        BlobRef b = new BlobRef(a.tenantId(), a.ownerId(), BlobId.random());
        BlobRef c = newRef();
        BlobRef gone = newRef();
        for (BlobRef ref : List.of(a, b, c, gone)) {
            blobStore().put(ref, bytes("x"));
        }
        blobStore().delete(gone);
        assertThat(blobStore().list()).containsExactlyInAnyOrder(a, b, c);
    }

    @Test
    default void aFailedPutLeavesNothingAndTheRefStaysUsable() throws IOException {
        BlobRef ref = newRef();
        InputStream failing = new InputStream() {
            private int served;

            @Override
            public int read() throws IOException {
                if (served++ > 100_000) {
                    throw new IOException("client went away");
                }
                return 'a';
            }
        };
        assertThatThrownBy(() -> blobStore().put(ref, failing)).isInstanceOf(IOException.class);
        assertThat(blobStore().exists(ref)).isFalse();
        assertThat(blobStore().list()).doesNotContain(ref);
        blobStore().put(ref, bytes("retried"));
        assertThat(readAll(blobStore(), ref)).isEqualTo("retried".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    default void aWriterThatFailsPartWayLeavesNothing() throws IOException {
        BlobRef ref = newRef();
        assertThatThrownBy(() -> blobStore().write(ref, out -> {
            out.write(new byte[200_000]);
            throw new IOException("source went away");
        })).isInstanceOf(IOException.class).hasMessage("source went away");
        assertThat(blobStore().exists(ref)).isFalse();
        assertThat(blobStore().list()).doesNotContain(ref);
        assertThat(blobStore().write(ref, out -> {
            out.write("written".getBytes(StandardCharsets.US_ASCII));
            out.close(); // closing what it was given does not end the write early
            return 7;
        })).isEqualTo(7);
        assertThat(readAll(blobStore(), ref)).isEqualTo("written".getBytes(StandardCharsets.US_ASCII));
    }

    private static InputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** A deterministic pseudo-random stream of {@code size} bytes that is never held in memory. */
    final class GeneratedStream extends InputStream {
        private long remaining;
        private long state;

        public GeneratedStream(long size, long seed) {
            this.remaining = size;
            this.state = seed;
        }

        @Override
        public int read() {
            if (remaining <= 0) {
                return -1;
            }
            remaining--;
            state = state * 6364136223846793005L + 1442695040888963407L;
            return (int) (state >>> 56) & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (remaining <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, remaining);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) read();
            }
            return n;
        }
    }
}
