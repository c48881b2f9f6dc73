package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.CliE2ETest.PASSWORD;
import static org.postern.server.e2e.CliE2ETest.failsWith;
import static org.postern.server.e2e.CliE2ETest.ok;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.server.e2e.Launcher.Result;

/**
 * Losing the keys must not mean losing the mail: a key backup, the database and the blobs bring a
 * deployment back on a new machine; the server nags until a backup holds its active master key.
 */
class KeyBackupE2ETest {
    static final byte[] PASSPHRASE = "blue otter, tin lantern 4821\n".getBytes(StandardCharsets.UTF_8);
    private static final String BACKUP_MISSING = "event=keys.backup_missing";

    @TempDir
    Path tmp;

    /** Copies the database and the blobs, and nothing else, into a new private data directory. */
    private static void copyDatabaseAndBlobs(Path from, Path to) throws IOException {
        Files.createDirectories(to, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        for (String db : List.of("postern.db", "postern.db-wal", "postern.db-shm")) {
            if (Files.exists(from.resolve(db))) {
                Files.copy(from.resolve(db), to.resolve(db), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        try (Stream<Path> all = Files.walk(from.resolve("blobs"))) {
            for (Path p : all.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    @Test
    void aBackupRestoresOldMailOnANewMachineAndIsRefusedWhenWrongTamperedOrMisplaced() throws Exception {
        Launcher old = new Launcher(tmp.resolve("old/data"));
        Files.createDirectories(tmp.resolve("old"));
        ok(old.run("domain", "add", "example.org"));
        ok(old.runWithInput(PASSWORD, "user", "add", "alice@example.org", "--password-stdin"));
        String id1 = TestMessages.newMessageId("sender.example");
        String id2 = TestMessages.newMessageId("sender.example");
        ok(old.runWithInput(TestMessages.message("bob@sender.example", "alice@example.org", id1, "first",
                "the first old message"), "mail", "import", "alice@example.org"));
        ok(old.runWithInput(TestMessages.message("bob@sender.example", "alice@example.org", id2, "second",
                "the second old message"), "mail", "import", "alice@example.org", "--seen"));
        ok(old.run("keys", "rotate-signing"));
        String oldStatus = old.run("keys", "status").out();
        assertThat(oldStatus).contains("backup\tnever");

        Path backup = tmp.resolve("offsite/postern-keys.backup");
        Files.createDirectories(backup.getParent());
        failsWith(old.runWithInput("too short\n".getBytes(StandardCharsets.UTF_8), "keys", "backup", "--out",
                backup.toString(), "--passphrase-stdin"), 1, "shorter than 16 characters");
        failsWith(old.runWithInput("passwordpassword\n".getBytes(StandardCharsets.UTF_8), "keys", "backup", "--out",
                backup.toString(), "--passphrase-stdin"), 1, "well-known");
        failsWith(old.run("keys", "backup", "--out", backup.toString()), 2, "--passphrase-stdin");
        assertThat(backup).doesNotExist();

        Result made = old.runWithInput(PASSPHRASE, "keys", "backup", "--out", backup.toString(), "--passphrase-stdin");
        ok(made);
        assertThat(made.out()).contains("key backup written to " + backup)
                .contains("keys/master.keys, keys/token-signing.sealed, keys/token-signing.previous.sealed");
        assertThat(made.out() + made.err()).doesNotContain("blue otter");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup))).isEqualTo("rw-------");
        byte[] backupBytes = Files.readAllBytes(backup);
        assertThat(new String(backupBytes, StandardCharsets.ISO_8859_1)).startsWith("PSTNKBAK")
                .doesNotContain("postern-master-keyring");
        failsWith(old.runWithInput(PASSPHRASE, "keys", "backup", "--out", backup.toString(), "--passphrase-stdin"), 1,
                "already exists");
        assertThat(Files.readAllBytes(backup)).isEqualTo(backupBytes);
        assertThat(old.run("keys", "status").out()).containsPattern("backup\t\\S+Z\tholds the active master key");

        // A new machine: the database and the blobs came back from the operator's backup; the keys did not.
        Launcher fresh = new Launcher(tmp.resolve("new/data"));
        copyDatabaseAndBlobs(old.dataDir(), fresh.dataDir());
        assertThat(fresh.dataDir().resolve("keys")).doesNotExist();

        failsWith(fresh.runWithInput("blue otter, tin lantern 4822\n".getBytes(StandardCharsets.UTF_8), "keys", "restore",
                "--in", backup.toString(), "--passphrase-stdin"), 1, "wrong passphrase");
        byte[] tampered = backupBytes.clone();
        tampered[tampered.length / 2] ^= 0x20;
        Path tamperedFile = tmp.resolve("offsite/tampered.backup");
        Files.write(tamperedFile, tampered);
        failsWith(fresh.runWithInput(PASSPHRASE, "keys", "restore", "--in", tamperedFile.toString(), "--passphrase-stdin"),
                1, "the file was altered");
        assertThat(fresh.dataDir().resolve("keys")).as("nothing written").doesNotExist();
        assertThat(fresh.dataDir().resolve("tls")).doesNotExist();

        Result restored = fresh.runWithInput(PASSPHRASE, "keys", "restore", "--in", backup.toString(), "--passphrase-stdin");
        ok(restored);
        assertThat(restored.out()).containsPattern("restored \\d+ files \\(keys/master.keys, keys/token-signing.sealed, "
                + "keys/token-signing.previous.sealed");
        assertThat(Files.readAllBytes(fresh.dataDir().resolve("keys/master.keys")))
                .isEqualTo(Files.readAllBytes(old.dataDir().resolve("keys/master.keys")));

        // The old mail reads on the new machine.
        Result list = fresh.run("mail", "list", "alice@example.org");
        ok(list);
        assertThat(list.out().strip().lines()).hasSize(2);
        assertThat(list.out()).contains("\\Seen");
        Result verify = fresh.run("store", "verify");
        ok(verify);
        assertThat(verify.out()).contains("verified 2 messages of 1 users: 0 failed");
        assertThat(Deployment.find(fresh.dataDir(), "alice@example.org", "INBOX", id1).orElseThrow().text())
                .contains("the first old message");
        assertThat(Deployment.find(fresh.dataDir(), "alice@example.org", "INBOX", id2).orElseThrow().text())
                .contains("the second old message");
        // The same master and signing keys, and the new machine knows they are backed up.
        String freshStatus = fresh.run("keys", "status").out();
        assertThat(freshStatus.lines().filter(l -> !l.startsWith("backup")).toList())
                .isEqualTo(oldStatus.lines().filter(l -> !l.startsWith("backup")).toList());
        assertThat(freshStatus).contains("holds the active master key");

        // Never over existing keys.
        failsWith(fresh.runWithInput(PASSPHRASE, "keys", "restore", "--in", backup.toString(), "--passphrase-stdin"), 1,
                "master.keys already exists");
        failsWith(old.runWithInput(PASSPHRASE, "keys", "restore", "--in", backup.toString(), "--passphrase-stdin"), 1,
                old.dataDir().resolve("keys/master.keys") + " already exists");
    }

    @Test
    void theServerWarnsAtStartUntilABackupHoldsTheActiveMasterKeyAndAgainAfterARotation() throws Exception {
        Launcher postern = new Launcher(tmp.resolve("data"));
        try (RunningServer server = RunningServer.start(postern)) {
            assertThat(server.stop()).contains(BACKUP_MISSING).contains("last_backup=never");
        }
        ok(postern.runWithInput(PASSPHRASE, "keys", "backup", "--out", tmp.resolve("1.backup").toString(),
                "--passphrase-stdin"));
        try (RunningServer server = RunningServer.start(postern)) {
            assertThat(server.stop()).contains("event=server.started").doesNotContain(BACKUP_MISSING);
        }
        Result rotate = postern.run("keys", "rotate");
        ok(rotate);
        assertThat(rotate.out()).contains("no key backup holds the new master key");
        assertThat(postern.run("keys", "status").out()).contains("does not hold the active master key (rotated since)");
        try (RunningServer server = RunningServer.start(postern)) {
            assertThat(server.stop()).contains(BACKUP_MISSING).contains("(before the last rotation)");
        }
        ok(postern.runWithInput(PASSPHRASE, "keys", "backup", "--out", tmp.resolve("2.backup").toString(),
                "--passphrase-stdin"));
        try (RunningServer server = RunningServer.start(postern)) {
            assertThat(server.stop()).contains("event=server.started").doesNotContain(BACKUP_MISSING);
        }
    }
}
