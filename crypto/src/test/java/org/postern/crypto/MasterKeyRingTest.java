package org.postern.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.model.IntegrityException;

class MasterKeyRingTest {
    private static final byte[] OWNER_A = "user:alice".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OWNER_B = "user:bob".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private Path ringFile() {
        return dir.resolve("keys/master.keyring");
    }

    private Path writeRing(String content) throws IOException {
        Path file = dir.resolve("hand-written.keyring");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static String key() {
        return Base64.getEncoder().encodeToString(Secrets.randomBytes(32));
    }

    @Test
    void loadOrCreateCreatesAPrivateRingAndLoadsTheSameKeysBack() throws IOException {
        Path file = ringFile();
        MasterKeyRing created = MasterKeyRing.loadOrCreate(file);
        assertThat(created.activeKeyId()).matches("mk-[0-9a-f]{16}");
        assertThat(created.keyIds()).containsExactly(created.activeKeyId());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo("postern-master-keyring v1");
        assertThat(lines.get(1)).matches("mk-[0-9a-f]{16} active [A-Za-z0-9+/]{43}=");

        MasterKeyRing loaded = MasterKeyRing.loadOrCreate(file);
        assertThat(loaded.activeKeyId()).isEqualTo(created.activeKeyId());
        try (DataKey key = DataKey.generate()) {
            WrappedKey wrapped = created.wrap(key, OWNER_A);
            try (DataKey back = loaded.unwrap(wrapped, OWNER_A)) {
                assertThat(back.copyBytes()).isEqualTo(key.copyBytes());
            }
        }
        assertThat(MasterKeyRing.load(file).activeKeyId()).isEqualTo(created.activeKeyId());
    }

    @Test
    void loadRefusesAFileGroupOrOthersCanRead() throws IOException {
        Path file = ringFile();
        MasterKeyRing.loadOrCreate(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> MasterKeyRing.load(file))
                .isInstanceOf(KeyFileException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("chmod 600");
        assertThatThrownBy(() -> MasterKeyRing.loadOrCreate(file)).isInstanceOf(KeyFileException.class);
    }

    @Test
    void loadOfAMissingFileIsRefusedAndCreatesNothing() {
        Path file = ringFile();
        assertThatThrownBy(() -> MasterKeyRing.load(file))
                .isInstanceOf(KeyFileException.class)
                .hasMessageContaining(file.toString());
        assertThat(file).doesNotExist();
    }

    @Test
    void loadOrCreateRefusesAnOpenParentDirectory() throws IOException {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThatThrownBy(() -> MasterKeyRing.loadOrCreate(open.resolve("master.keyring")))
                .isInstanceOf(KeyFileException.class)
                .hasMessageContaining("chmod 700");
    }

    @Test
    void handWrittenRingWithActiveAndRetiredKeysLoads() throws IOException {
        Path file = writeRing("postern-master-keyring v1\n"
                + "mk-0000000000000001 retired " + key() + "\n"
                + "mk-0000000000000002 active " + key() + "\n");
        MasterKeyRing ring = MasterKeyRing.load(file);
        assertThat(ring.activeKeyId()).isEqualTo("mk-0000000000000002");
        assertThat(ring.keyIds()).containsExactly("mk-0000000000000001", "mk-0000000000000002");
    }

    @Test
    void malformedRingsAreRefusedNamingTheFileButNotTheKey() throws IOException {
        String good = key();
        String[] bad = {
            "",
            "postern-master-keyring v2\nmk-0000000000000001 active " + good + "\n",
            "postern-master-keyring v1\n",
            "postern-master-keyring v1\nmk-0000000000000001 active\n",
            "postern-master-keyring v1\nmk-0000000000000001  active " + good + "\n",
            "postern-master-keyring v1\nmk-0000000000000001 active " + good + " extra\n",
            "postern-master-keyring v1\nmk-0000000000000001 active " + good + "\r\n",
            "postern-master-keyring v1\nmk-0000000000000001 enabled " + good + "\n",
            "postern-master-keyring v1\nMK-0000000000000001 active " + good + "\n",
            "postern-master-keyring v1\nmk-01 active " + good + "\n",
            "postern-master-keyring v1\nmk-0000000000000001 active " + good.substring(1) + "\n",
            "postern-master-keyring v1\nmk-0000000000000001 active " + good.replace(good.charAt(3), '#') + "\n",
            "postern-master-keyring v1\nmk-0000000000000001 active " + good + "\n\n",
            "postern-master-keyring v1\nmk-0000000000000001 retired " + good + "\n",
            "postern-master-keyring v1\nmk-0000000000000001 active " + good + "\nmk-0000000000000002 active " + key() + "\n",
            "postern-master-keyring v1\nmk-0000000000000001 active " + good + "\nmk-0000000000000001 retired " + key() + "\n",
            "postern-master-keyring v1\nmk-0000000000000001 active " + Base64.getEncoder().encodeToString(Secrets.randomBytes(16)) + "\n",
        };
        for (String content : bad) {
            Path file = writeRing(content);
            assertThatThrownBy(() -> MasterKeyRing.load(file))
                    .as(content)
                    .isInstanceOf(KeyFileException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageNotContaining(good)
                    .hasMessageNotContaining(good.substring(0, 20));
        }
    }

    @Test
    void duplicateKeyIdIsNamed() throws IOException {
        Path file = writeRing("postern-master-keyring v1\nmk-0000000000000001 active " + key()
                + "\nmk-0000000000000001 retired " + key() + "\n");
        assertThatThrownBy(() -> MasterKeyRing.load(file)).hasMessageContaining("duplicate key id mk-0000000000000001");
    }

    @Test
    void allZeroKeyIsRefusedAsWeak() throws IOException {
        Path file = writeRing("postern-master-keyring v1\nmk-0000000000000001 active "
                + Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        assertThatThrownBy(() -> MasterKeyRing.load(file))
                .isInstanceOf(KeyFileException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("has too little variety");
    }

    @Test
    void wrappedKeyUnwrapsOnlyForTheOwnerItWasBoundTo() {
        MasterKeyRing ring = MasterKeyRing.loadOrCreate(ringFile());
        try (DataKey key = DataKey.generate()) {
            WrappedKey wrapped = ring.wrap(key, OWNER_A);
            assertThat(wrapped.masterKeyId()).isEqualTo(ring.activeKeyId());
            assertThat(HexFormat.of().formatHex(wrapped.ciphertext())).doesNotContain(HexFormat.of().formatHex(key.copyBytes()));
            assertThatThrownBy(() -> ring.unwrap(wrapped, OWNER_B))
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("failed to authenticate");
            byte[] tampered = wrapped.ciphertext().clone();
            tampered[tampered.length - 1] ^= 1;
            assertThatThrownBy(() -> ring.unwrap(new WrappedKey(wrapped.masterKeyId(), tampered), OWNER_A))
                    .isInstanceOf(IntegrityException.class);
            assertThatThrownBy(() -> ring.unwrap(new WrappedKey("mk-ffffffffffffffff", wrapped.ciphertext()), OWNER_A))
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("not in the key ring");
        }
    }

    @Test
    void wrappedKeyFromAnotherRingDoesNotUnwrap() {
        MasterKeyRing ring = MasterKeyRing.loadOrCreate(ringFile());
        MasterKeyRing other = MasterKeyRing.loadOrCreate(dir.resolve("other/master.keyring"));
        try (DataKey key = DataKey.generate()) {
            WrappedKey wrapped = ring.wrap(key, OWNER_A);
            assertThatThrownBy(() -> other.unwrap(wrapped, OWNER_A)).isInstanceOf(IntegrityException.class);
        }
    }

    @Test
    void rotationKeepsOldWrapsReadableAndWrapsNewKeysUnderTheNewKey() {
        Path file = ringFile();
        MasterKeyRing before = MasterKeyRing.loadOrCreate(file);
        try (DataKey key = DataKey.generate()) {
            WrappedKey old = before.wrap(key, OWNER_A);
            MasterKeyRing after = before.withNewActiveKey();
            assertThat(after.activeKeyId()).isNotEqualTo(before.activeKeyId()).matches("mk-[0-9a-f]{16}");
            assertThat(after.keyIds()).containsExactly(before.activeKeyId(), after.activeKeyId());
            assertThat(before.keyIds()).containsExactly(before.activeKeyId());
            after.save(file);

            MasterKeyRing reloaded = MasterKeyRing.load(file);
            assertThat(reloaded.activeKeyId()).isEqualTo(after.activeKeyId());
            try (DataKey back = reloaded.unwrap(old, OWNER_A)) {
                assertThat(back.copyBytes()).isEqualTo(key.copyBytes());
            }
            WrappedKey fresh = reloaded.wrap(key, OWNER_A);
            assertThat(fresh.masterKeyId()).isEqualTo(after.activeKeyId());

            MasterKeyRing pruned = reloaded.withoutKey(before.activeKeyId());
            assertThat(pruned.keyIds()).containsExactly(after.activeKeyId());
            assertThatThrownBy(() -> pruned.unwrap(old, OWNER_A)).isInstanceOf(IntegrityException.class);
            try (DataKey back = pruned.unwrap(fresh, OWNER_A)) {
                assertThat(back.copyBytes()).isEqualTo(key.copyBytes());
            }
        }
    }

    @Test
    void theActiveKeyCannotBeRemoved() {
        MasterKeyRing ring = MasterKeyRing.loadOrCreate(ringFile());
        assertThatThrownBy(() -> ring.withoutKey(ring.activeKeyId())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ring.withoutKey("mk-ffffffffffffffff")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sealedValueUnsealsOnlyForItsPurpose() {
        MasterKeyRing ring = MasterKeyRing.loadOrCreate(ringFile());
        byte[] secret = "-----BEGIN PRIVATE KEY-----".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = ring.seal("dkim-key:example.org", secret);
        assertThat(new String(sealed, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("PMK1");
        assertThat(MasterKeyRing.sealedKeyId(sealed)).isEqualTo(ring.activeKeyId());
        assertThat(ring.unseal("dkim-key:example.org", sealed)).isEqualTo(secret);
        assertThatThrownBy(() -> ring.unseal("tls-key", sealed)).isInstanceOf(IntegrityException.class);
    }

    @Test
    void tamperedSealedValueIsRefused() {
        MasterKeyRing ring = MasterKeyRing.loadOrCreate(ringFile());
        byte[] sealed = ring.seal("tls-key", new byte[] {1, 2, 3});
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            assertThatThrownBy(() -> ring.unseal("tls-key", tampered)).as("byte %d", i).isInstanceOf(IntegrityException.class);
        }
        assertThatThrownBy(() -> MasterKeyRing.sealedKeyId(new byte[] {'P', 'M', 'K'})).isInstanceOf(IntegrityException.class);
        assertThatThrownBy(() -> ring.unseal("tls-key", new byte[] {'P', 'M', 'K', '1', 19, 'm'})).isInstanceOf(IntegrityException.class);
    }

    @Test
    void valueSealedByARetiredKeyUnsealsAndOneSealedByARemovedKeyDoesNot() {
        MasterKeyRing first = MasterKeyRing.loadOrCreate(ringFile());
        byte[] sealed = first.seal("tls-key", new byte[] {7});
        MasterKeyRing rotated = first.withNewActiveKey();
        assertThat(rotated.unseal("tls-key", sealed)).containsExactly(7);
        assertThat(MasterKeyRing.sealedKeyId(rotated.seal("tls-key", new byte[] {7}))).isEqualTo(rotated.activeKeyId());
        MasterKeyRing pruned = rotated.withoutKey(first.activeKeyId());
        assertThatThrownBy(() -> pruned.unseal("tls-key", sealed))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining(first.activeKeyId());
    }

    @Test
    void toStringShowsKeyIdsButNeverKeyBytes() throws IOException {
        Path file = ringFile();
        MasterKeyRing ring = MasterKeyRing.loadOrCreate(file).withNewActiveKey();
        ring.save(file);
        String text = ring.toString();
        assertThat(text).contains(ring.activeKeyId());
        for (String line : Files.readAllLines(file).subList(1, 3)) {
            assertThat(text).doesNotContain(line.split(" ")[2]);
        }
    }

    @Test
    void fromBytesReadsTheSameRingAsTheFileAndRefusesMalformedContentNamingTheOrigin() throws IOException {
        Path file = ringFile();
        MasterKeyRing onDisk = MasterKeyRing.loadOrCreate(file).withNewActiveKey();
        onDisk.save(file);
        MasterKeyRing copy = MasterKeyRing.fromBytes(Path.of("backup:keys/master.keys"), Files.readAllBytes(file));
        assertThat(copy.keyIds()).containsExactlyElementsOf(onDisk.keyIds());
        assertThat(copy.activeKeyId()).isEqualTo(onDisk.activeKeyId());
        assertThat(copy.unseal("p", onDisk.seal("p", new byte[] {1, 2}))).containsExactly(1, 2);
        assertThatThrownBy(() -> MasterKeyRing.fromBytes(Path.of("backup:keys/master.keys"),
                "postern-master-keyring v1\nmk-0123456789abcdef active tooshort\n".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(KeyFileException.class)
                .hasMessageContaining("backup:keys/master.keys line 2");
    }
}
