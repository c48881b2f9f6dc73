package org.postern.server.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.crypto.MasterKeyRing;
import org.postern.crypto.OwnerOnlyFiles;
import org.postern.crypto.PassphraseEnvelope;
import org.postern.crypto.PasswordHasher;
import org.postern.model.ConflictException;
import org.postern.model.IntegrityException;
import org.postern.model.NotFoundException;

class KeyBackupTest {
    private static final PasswordHasher.Params FAST = new PasswordHasher.Params(64, 1, 1);
    private static final char[] PASSPHRASE = "a long operator passphrase".toCharArray();

    @TempDir
    Path tmp;
    Path dataDir;
    Path keysDir;
    MasterKeys masterKeys;
    MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));

    @BeforeEach
    void setUp() throws IOException {
        dataDir = tmp.resolve("data");
        keysDir = dataDir.resolve("keys");
        masterKeys = MasterKeys.openOrCreate(keysDir.resolve("master.keys"));
        TokenSigningKey.loadOrCreate(keysDir, masterKeys.get());
        OwnerOnlyFiles.createPrivateDirectory(dataDir.resolve("tls"));
        OwnerOnlyFiles.write(dataDir.resolve("tls/key.sealed"), masterKeys.get().seal("tls-private-key", new byte[] {42}));
        OwnerOnlyFiles.write(dataDir.resolve("tls/cert.pem"), "-----BEGIN CERTIFICATE-----\n".getBytes(StandardCharsets.US_ASCII));
    }

    private List<SealedFile> sealedFiles(Path root) {
        return List.of(new SealedFile(root.resolve("keys/token-signing.sealed"), TokenSigningKey.PURPOSE),
                new SealedFile(root.resolve("keys/token-signing.previous.sealed"), TokenSigningKey.PURPOSE),
                new SealedFile(root.resolve("tls/key.sealed"), "tls-private-key"));
    }

    private KeyBackup.Contents backup(Path out) {
        return KeyBackup.create(dataDir, sealedFiles(dataDir), List.of(dataDir.resolve("tls/cert.pem")), out, PASSPHRASE,
                FAST, clock);
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aBackupRestoresEveryKeyFileByteForByteIntoAnEmptyDataDirectory() throws IOException {
        new FileSigningKeys(keysDir, masterKeys, clock).rotate();
        Path out = tmp.resolve("keys.backup");
        KeyBackup.Contents made = backup(out);
        assertThat(made.created()).isEqualTo(Instant.parse("2026-11-23T10:00:00Z"));
        assertThat(made.masterKeyIds()).containsExactly(masterKeys.get().activeKeyId());
        assertThat(made.files()).containsExactly("keys/master.keys", "keys/token-signing.sealed",
                "keys/token-signing.previous.sealed", "tls/key.sealed", "tls/cert.pem");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");
        String raw = Files.readString(out, StandardCharsets.ISO_8859_1);
        assertThat(raw).startsWith("PSTNKBAK").doesNotContain("postern-master-keyring").doesNotContain("BEGIN CERTIFICATE");

        Path fresh = tmp.resolve("new-machine/data");
        KeyBackup.Contents restored = KeyBackup.restore(fresh, out, PASSPHRASE);
        assertThat(restored).isEqualTo(made);
        for (String name : made.files()) {
            assertThat(Files.readAllBytes(fresh.resolve(name))).as(name).isEqualTo(Files.readAllBytes(dataDir.resolve(name)));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh.resolve(name)))).isEqualTo("rw-------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh.resolve("keys")))).isEqualTo("rwx------");
        MasterKeyRing ring = MasterKeyRing.load(fresh.resolve("keys/master.keys"));
        assertThat(ring.unseal("tls-private-key", Files.readAllBytes(fresh.resolve("tls/key.sealed")))).containsExactly(42);
        assertThat(new FileSigningKeys(fresh.resolve("keys"), () -> ring).verificationKeys())
                .isEqualTo(new FileSigningKeys(keysDir, masterKeys).verificationKeys());
        // The restored deployment knows its keys are backed up.
        assertThat(KeyBackupState.read(fresh.resolve("keys"))).contains(new KeyBackupState(made.created(), made.masterKeyIds()));
    }

    @Test
    void aBackupIsRecordedAndStopsCoveringTheActiveKeyAfterARotation() {
        assertThat(KeyBackupState.read(keysDir)).isEmpty();
        assertThat(KeyBackupState.warnIfActiveKeyUncovered(masterKeys)).isTrue();
        backup(tmp.resolve("1.backup"));
        assertThat(KeyBackupState.read(keysDir)).hasValueSatisfying(s -> {
            assertThat(s.covers(masterKeys.get().activeKeyId())).isTrue();
            assertThat(s.time()).isEqualTo(Instant.parse("2026-11-23T10:00:00Z"));
        });
        assertThat(KeyBackupState.warnIfActiveKeyUncovered(masterKeys)).isFalse();
        masterKeys.replace(masterKeys.get().withNewActiveKey());
        assertThat(KeyBackupState.warnIfActiveKeyUncovered(masterKeys)).isTrue();
        backup(tmp.resolve("2.backup"));
        assertThat(KeyBackupState.warnIfActiveKeyUncovered(masterKeys)).isFalse();
        assertThat(KeyBackupState.read(keysDir).orElseThrow().masterKeyIds()).isEqualTo(masterKeys.get().keyIds()).hasSize(2);
    }

    @Test
    void anUnreadableStateFileCountsAsNoBackup() throws IOException {
        backup(tmp.resolve("1.backup"));
        Files.writeString(keysDir.resolve(KeyBackupState.FILE_NAME), "postern-key-backup-state v1\ntime yesterday\nmaster-keys\n");
        assertThat(KeyBackupState.read(keysDir)).isEmpty();
        assertThat(KeyBackupState.warnIfActiveKeyUncovered(masterKeys)).isTrue();
    }

    @Test
    void aBackupNeverReplacesAFile() throws IOException {
        Path out = tmp.resolve("keys.backup");
        Files.writeString(out, "precious");
        assertThatThrownBy(() -> backup(out)).isInstanceOf(ConflictException.class).hasMessageContaining("already exists");
        assertThat(Files.readString(out)).isEqualTo("precious");
        assertThat(KeyBackupState.read(keysDir)).isEmpty();
    }

    @Test
    void aBackupIntoAMissingDirectoryIsANamedFailure() {
        Path out = tmp.resolve("no/such/dir/keys.backup");
        assertThatThrownBy(() -> backup(out)).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("no such directory " + tmp.resolve("no/such/dir"));
    }

    @Test
    void aSealedFileTheRingCannotOpenFailsTheBackupAndNothingIsWritten() {
        OwnerOnlyFiles.write(dataDir.resolve("tls/key.sealed"),
                MasterKeyRing.loadOrCreate(tmp.resolve("other/master.keys")).seal("tls-private-key", new byte[] {1}));
        Path out = tmp.resolve("keys.backup");
        assertThatThrownBy(() -> backup(out)).isInstanceOf(IntegrityException.class).hasMessageContaining("tls/key.sealed");
        assertThat(out).doesNotExist();
        assertThat(KeyBackupState.read(keysDir)).isEmpty();
    }

    @Test
    void restoreRefusesADataDirectoryWithAMasterKeyRingNamingIt() throws IOException {
        Path out = tmp.resolve("keys.backup");
        backup(out);
        byte[] before = Files.readAllBytes(keysDir.resolve("master.keys"));
        assertThatThrownBy(() -> KeyBackup.restore(dataDir, out, PASSPHRASE)).isInstanceOf(ConflictException.class)
                .hasMessageContaining(keysDir.resolve("master.keys").toString());
        assertThat(Files.readAllBytes(keysDir.resolve("master.keys"))).isEqualTo(before);
    }

    @Test
    void aWrongPassphraseATamperedOrAForeignFileRestoreNothing() throws IOException {
        Path out = tmp.resolve("keys.backup");
        backup(out);
        Path fresh = tmp.resolve("fresh");
        assertThatThrownBy(() -> KeyBackup.restore(fresh, out, "a long operator passphrasE".toCharArray()))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("wrong passphrase");
        byte[] bytes = Files.readAllBytes(out);
        for (int at : new int[] {10, 30, bytes.length / 2, bytes.length - 1}) {
            byte[] tampered = bytes.clone();
            tampered[at] ^= 0x04;
            Path t = tmp.resolve("tampered-" + at);
            Files.write(t, tampered);
            assertThatThrownBy(() -> KeyBackup.restore(fresh, t, PASSPHRASE)).isInstanceOf(IntegrityException.class);
        }
        Path foreign = tmp.resolve("foreign");
        Files.writeString(foreign, "postern-master-keyring v1\n");
        assertThatThrownBy(() -> KeyBackup.restore(fresh, foreign, PASSPHRASE)).isInstanceOf(IntegrityException.class)
                .hasMessageContaining("not a PSTNKBAK file");
        assertThatThrownBy(() -> KeyBackup.restore(fresh, tmp.resolve("missing"), PASSPHRASE))
                .isInstanceOf(NotFoundException.class);
        assertThat(filesUnder(fresh)).isEmpty();
    }

    /** A backup sealed with the right passphrase whose content was built by hand, following the documented format. */
    private Path handMade(String name, byte kind, String purpose, byte[] content, boolean withRing) throws IOException {
        byte[] ring = Files.readAllBytes(keysDir.resolve("master.keys"));
        ByteBuffer b = ByteBuffer.allocate(4096).put((byte) 1).putLong(1_700_000_000L).put((byte) (withRing ? 2 : 1));
        if (withRing) {
            b.put((byte) 1).put((byte) 16).put("keys/master.keys".getBytes(StandardCharsets.US_ASCII)).put((byte) 0)
                    .putInt(ring.length).put(ring);
        }
        b.put(kind).put((byte) name.length()).put(name.getBytes(StandardCharsets.US_ASCII))
                .put((byte) purpose.length()).put(purpose.getBytes(StandardCharsets.US_ASCII))
                .putInt(content.length).put(content);
        byte[] payload = java.util.Arrays.copyOf(b.array(), b.position());
        Path file = tmp.resolve("hand-made-" + System.nanoTime());
        Files.write(file, PassphraseEnvelope.seal(KeyBackup.MAGIC, PASSPHRASE, payload, FAST));
        return file;
    }

    @Test
    void theDocumentedContentFormatRestoresAndNamesOutsideKeysAndTlsAreRefused() throws IOException {
        byte[] sealed = masterKeys.get().seal("tls-private-key", new byte[] {9});
        Path good = handMade("tls/key.sealed", (byte) 2, "tls-private-key", sealed, true);
        Path fresh = tmp.resolve("fresh");
        KeyBackup.Contents c = KeyBackup.restore(fresh, good, PASSPHRASE);
        assertThat(c.created()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
        assertThat(Files.readAllBytes(fresh.resolve("tls/key.sealed"))).isEqualTo(sealed);

        Path other = tmp.resolve("other");
        for (String name : List.of("../escape", "keys/../../escape", "/etc/passwd", "blobs/x", "keys/backup.state",
                "keys/master.keys")) {
            Path bad = handMade(name, (byte) 3, "", new byte[] {1}, true);
            assertThatThrownBy(() -> KeyBackup.restore(other, bad, PASSPHRASE)).as(name)
                    .isInstanceOf(IntegrityException.class).hasMessageContaining("malformed");
        }
        Path noRing = handMade("tls/cert.pem", (byte) 3, "", new byte[] {1}, false);
        assertThatThrownBy(() -> KeyBackup.restore(other, noRing, PASSPHRASE)).hasMessageContaining("no master key ring");
        Path wrongPurpose = handMade("tls/key.sealed", (byte) 2, "token-signing-key", sealed, true);
        assertThatThrownBy(() -> KeyBackup.restore(other, wrongPurpose, PASSPHRASE))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("does not open");
        assertThat(filesUnder(other)).isEmpty();
        assertThat(tmp.resolve("escape")).doesNotExist();
    }

    @Test
    void restoreReplacesKeyFilesLeftWithoutARing() throws IOException {
        Path out = tmp.resolve("keys.backup");
        backup(out);
        Path fresh = tmp.resolve("fresh");
        // A first start on the new machine, whose ring was then moved aside, left its own sealed files.
        MasterKeys stray = MasterKeys.openOrCreate(fresh.resolve("keys/master.keys"));
        TokenSigningKey.loadOrCreate(fresh.resolve("keys"), stray.get());
        Files.move(fresh.resolve("keys/master.keys"), tmp.resolve("aside.keys"));
        KeyBackup.restore(fresh, out, PASSPHRASE);
        assertThat(Files.readAllBytes(fresh.resolve("keys/token-signing.sealed")))
                .isEqualTo(Files.readAllBytes(keysDir.resolve("token-signing.sealed")));
        assertThat(Optional.of(MasterKeyRing.load(fresh.resolve("keys/master.keys")).activeKeyId()))
                .contains(masterKeys.get().activeKeyId());
    }
}
