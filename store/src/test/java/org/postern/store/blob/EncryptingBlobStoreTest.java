package org.postern.store.blob;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.crypto.DataKey;
import org.postern.store.BlobStoreContract;

/** The encrypting decorator keeps the blob store contract, and the files hold only ciphertext. */
class EncryptingBlobStoreTest implements BlobStoreContract {
    @TempDir
    Path dir;

    private final DataKey key = DataKey.generate();
    private EncryptingBlobStore store;

    @BeforeEach
    void open() {
        // Each caller closes the key it is given, so hand out copies of the one test key.
        store = new EncryptingBlobStore(new FsBlobStore(dir.resolve("blobs")), (tenant, owner) -> key.copy());
    }

    @AfterEach
    void wipe() {
        key.close();
    }

    @Override
    public BlobStore blobStore() {
        return store;
    }

    @Test
    void writtenPlaintextNeverReachesTheFile() throws IOException {
        BlobRef ref = BlobStoreContract.newRef();
        byte[] secret = "Subject: the canary 7f3a9c\r\n\r\nbody of the canary 7f3a9c\r\n".repeat(50)
                .getBytes(StandardCharsets.US_ASCII);
        assertThat(store.write(ref, out -> {
            out.write(secret);
            return secret.length;
        })).isEqualTo(secret.length);
        assertThat(BlobStoreContract.readAll(store, ref)).isEqualTo(secret);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).doesNotContain("canary");
            }
        }
    }
}
