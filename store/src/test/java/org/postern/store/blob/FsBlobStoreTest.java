package org.postern.store.blob;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.store.BlobStoreContract;

class FsBlobStoreTest implements BlobStoreContract {
    @TempDir
    Path dir;

    private Path root;
    private FsBlobStore store;

    @BeforeEach
    void open() {
        root = dir.resolve("blobs");
        store = new FsBlobStore(root);
    }

    @Override
    public BlobStore blobStore() {
        return store;
    }

    @Test
    void blobsLiveUnderTenantOwnerAndPrefixWithPrivateModes() throws IOException {
        BlobRef ref = BlobStoreContract.newRef();
        store.put(ref, new ByteArrayInputStream(new byte[] {1, 2, 3}));
        String blob = ref.blobId().toString();
        Path file = root.resolve(ref.tenantId().toString()).resolve(ref.ownerId().toString())
                .resolve(blob.substring(0, 2)).resolve(blob);
        assertThat(file).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        for (Path d = file.getParent(); !d.equals(dir); d = d.getParent()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d))).as(d.toString())
                    .isEqualTo("rwx------");
        }
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void staleTempFilesAreIgnoredByListAndRemoved() throws IOException {
        BlobRef kept = BlobStoreContract.newRef();
        store.put(kept, new ByteArrayInputStream(new byte[] {7}));
        Path prefixDir = store.pathOf(kept).getParent();
        Path leftover = prefixDir.resolve(FsBlobStore.TEMP_PREFIX + kept.blobId() + "-crash");
        Files.write(leftover, new byte[] {1});

        assertThat(store.list()).containsExactly(kept);
        assertThat(store.removeStaleTempFiles()).isEqualTo(1);
        assertThat(leftover).doesNotExist();
        assertThat(store.exists(kept)).isTrue();
        assertThat(store.removeStaleTempFiles()).isZero();
    }

    @Test
    void maintenanceSweepSparesRecentTempFiles() throws IOException {
        BlobRef ref = BlobStoreContract.newRef();
        store.put(ref, new ByteArrayInputStream(new byte[] {7}));
        Path prefixDir = store.pathOf(ref).getParent();
        Path recent = prefixDir.resolve(FsBlobStore.TEMP_PREFIX + "recent");
        Path old = prefixDir.resolve(FsBlobStore.TEMP_PREFIX + "old");
        Files.write(recent, new byte[] {1});
        Files.write(old, new byte[] {1});
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(2))));

        assertThat(store.removeStaleTempFiles(Duration.ofHours(1))).isEqualTo(1);
        assertThat(old).doesNotExist();
        assertThat(recent).exists();
    }

    @Test
    void listSkipsForeignFilesAndSymbolicLinks() throws IOException {
        BlobRef ref = BlobStoreContract.newRef();
        store.put(ref, new ByteArrayInputStream(new byte[] {7}));
        Files.writeString(root.resolve("README"), "not a blob");
        Files.createDirectories(root.resolve("not-a-tenant"));
        Path prefixDir = store.pathOf(ref).getParent();
        Files.createSymbolicLink(prefixDir.resolve(ref.blobId().toString().substring(0, 2) + "000000-0000-4000-8000-000000000000"),
                store.pathOf(ref));
        assertThat(store.list()).containsExactly(ref);
    }

    @Test
    void aNewInstanceOnTheSameRootSeesEverything() throws IOException {
        BlobRef ref = BlobStoreContract.newRef();
        store.put(ref, new ByteArrayInputStream(new byte[] {9, 9}));
        FsBlobStore reopened = new FsBlobStore(root);
        assertThat(reopened.list()).containsExactly(ref);
        assertThat(BlobStoreContract.readAll(reopened, ref)).containsExactly(9, 9);
    }

    private List<Path> tempFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.getFileName().toString().startsWith(FsBlobStore.TEMP_PREFIX)).toList();
        }
    }
}
