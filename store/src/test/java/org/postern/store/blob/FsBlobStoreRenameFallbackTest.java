package org.postern.store.blob;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.postern.store.BlobStoreContract;

/** The same contract on the path taken where the file system has no hard links. */
class FsBlobStoreRenameFallbackTest implements BlobStoreContract {
    @TempDir
    Path dir;

    private FsBlobStore store;

    @BeforeEach
    void open() {
        store = new FsBlobStore(dir.resolve("blobs"), false);
    }

    @Override
    public BlobStore blobStore() {
        return store;
    }
}
