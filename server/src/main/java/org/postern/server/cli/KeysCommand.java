package org.postern.server.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.postern.auth.token.SigningKey;
import org.postern.crypto.MasterKeyRing;
import org.postern.crypto.PassphraseKey;
import org.postern.server.Postern;
import org.postern.server.config.Config;
import org.postern.server.keys.FileSigningKeys;
import org.postern.server.keys.KeyBackup;
import org.postern.server.keys.KeyBackupState;
import org.postern.server.keys.KeyRotation;
import org.postern.server.tls.TlsMaterial;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "keys", description = "Master key, token-signing key and key backup management.",
        subcommands = {KeysCommand.Rotate.class, KeysCommand.RotateSigning.class, KeysCommand.Status.class,
                KeysCommand.Backup.class, KeysCommand.Restore.class})
final class KeysCommand {
    private static final String BACKUP_HINT = "./postern keys backup --out FILE --passphrase-stdin";

    private static Path keysDir(Postern p) {
        return p.config().dataDir().resolve(Postern.KEYS_DIR);
    }

    @Command(name = "rotate", description = "Make a new master key, rewrap every data key, DKIM key and sealed file under it, "
            + "and remove old master keys nothing needs any more. Mail is not re-encrypted; safe while the server runs.")
    static final class Rotate extends DeploymentVerb {
        @Override
        void run(Postern p) {
            KeyRotation.Result r = p.keyRotation().rotate();
            out().println("master key rotated: active " + r.activeKeyId() + ", " + r.dataKeysRewrapped()
                    + " data keys rewrapped, " + r.filesResealed() + " files resealed, " + r.removedKeyIds().size()
                    + " old keys removed, " + r.dkimKeysResealed() + " DKIM keys resealed");
            out().println("no key backup holds the new master key yet; make one: " + BACKUP_HINT);
        }
    }

    @Command(name = "rotate-signing", description = "Make a new token-signing key. The current one is kept as the "
            + "previous key, so tokens it signed stay valid until they expire; the key before it is dropped. "
            + "Safe while the server runs: it switches within a second.")
    static final class RotateSigning extends DeploymentVerb {
        @Override
        void run(Postern p) {
            FileSigningKeys.Rotation r = new FileSigningKeys(keysDir(p), p.masterKeys()).rotate();
            out().println("token-signing key rotated: active " + r.active().kid() + ", previous " + r.previous().kid()
                    + " (still accepted for the tokens it signed)");
        }
    }

    @Command(name = "status", description = "Show the master keys (ids only) and how many data keys each wraps, "
            + "the token-signing key ids, and the last key backup.")
    static final class Status extends DeploymentVerb {
        @Override
        void run(Postern p) {
            MasterKeyRing ring = p.masterKeys().get();
            Map<String, Integer> counts = new TreeMap<>();
            p.store().inTransaction(tx -> tx.dataKeys().list(p.policy().scopeFor(new org.postern.access.Caller.Operator())))
                    .forEach(k -> counts.merge(k.masterKeyId(), 1, Integer::sum));
            for (String id : new java.util.TreeSet<>(ring.keyIds())) {
                out().println(id + "\t" + (id.equals(ring.activeKeyId()) ? "active" : "retired") + "\t"
                        + counts.getOrDefault(id, 0) + " data keys");
            }
            List<SigningKey> signing = new FileSigningKeys(keysDir(p), p.masterKeys()).verificationKeys();
            for (int i = 0; i < signing.size(); i++) {
                out().println("signing-key\t" + signing.get(i).kid() + "\t" + (i == 0 ? "active" : "previous"));
            }
            Optional<KeyBackupState> backup = KeyBackupState.read(keysDir(p));
            if (backup.isEmpty()) {
                out().println("backup\tnever\tno backup holds the active master key; make one: " + BACKUP_HINT);
            } else if (backup.get().covers(ring.activeKeyId())) {
                out().println("backup\t" + backup.get().time() + "\tholds the active master key");
            } else {
                out().println("backup\t" + backup.get().time() + "\tdoes not hold the active master key (rotated since); "
                        + "make a new one: " + BACKUP_HINT);
            }
        }
    }

    @Command(name = "backup", description = "Write the master key ring and every key sealed under it (token-signing "
            + "keys, the generated TLS key and its certificate) to FILE, encrypted under a passphrase read from "
            + "standard input (Argon2id, AES-256-GCM). With the database and blobs, which you back up separately, "
            + "it restores all mail. Never replaces an existing file.")
    static final class Backup extends DeploymentVerb {
        @Option(names = "--out", paramLabel = "FILE", required = true, description = "The backup file to create (mode 0600).")
        Path out;

        @Option(names = "--passphrase-stdin", required = true,
                description = "Read the passphrase from standard input (one line; at least 16 characters).")
        boolean passphraseStdin;

        @Override
        void run(Postern p) throws Exception {
            char[] passphrase = PassphraseInput.read(System.in);
            try {
                PassphraseInput.requireStrong(passphrase);
                Path dataDir = p.config().dataDir();
                KeyBackup.Contents c = KeyBackup.create(dataDir, p.sealedFiles(),
                        List.of(TlsMaterial.certificateFile(dataDir)), out, passphrase, PassphraseKey.DEFAULT, p.clock());
                out().println("key backup written to " + out + ": master keys " + String.join(" ", c.masterKeyIds())
                        + ", " + c.files().size() + " files (" + String.join(", ", c.files()) + ")");
                out().println("keep it, and its passphrase, away from this machine; restore with: ./postern keys restore "
                        + "--in FILE --passphrase-stdin");
            } finally {
                Arrays.fill(passphrase, '\0');
            }
        }
    }

    @Command(name = "restore", description = "Restore a key backup into a data directory that has no master key ring "
            + "yet (a new machine, with the database and blobs copied back). Nothing is written if the passphrase is "
            + "wrong or the file was altered.")
    static final class Restore extends Verb {
        @Option(names = "--in", paramLabel = "FILE", required = true, description = "The backup file.")
        Path in;

        @Option(names = "--passphrase-stdin", required = true,
                description = "Read the passphrase from standard input (one line).")
        boolean passphraseStdin;

        @Override
        public Integer call() throws Exception {
            Config config = config();
            Cli.quietLogs(config);
            char[] passphrase = PassphraseInput.read(System.in);
            try {
                KeyBackup.Contents c = KeyBackup.restore(config.dataDir(), in, passphrase);
                out().println("restored " + c.files().size() + " files (" + String.join(", ", c.files()) + ") into "
                        + config.dataDir() + " from the key backup of " + c.created() + " (master keys "
                        + String.join(" ", c.masterKeyIds()) + ")");
            } finally {
                Arrays.fill(passphrase, '\0');
            }
            out().flush();
            return 0;
        }
    }
}
