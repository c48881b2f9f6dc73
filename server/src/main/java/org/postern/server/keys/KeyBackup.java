package org.postern.server.keys;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.postern.crypto.KeyFileException;
import org.postern.crypto.MasterKeyRing;
import org.postern.crypto.OwnerOnlyFiles;
import org.postern.crypto.PassphraseEnvelope;
import org.postern.crypto.PasswordHasher;
import org.postern.model.ConflictException;
import org.postern.model.IntegrityException;
import org.postern.model.NotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key backups: the master key ring and every file sealed under it, encrypted under an operator's
 * passphrase, so that a data directory whose keys are lost can be made readable again from its
 * database and blobs (which the operator backs up separately) and this one file.
 *
 * <p>The file is a {@link PassphraseEnvelope} with magic {@code "PSTNKBAK"} (Argon2id parameters and
 * salt in its header, bound to the AES-256-GCM ciphertext). Its plaintext (integers big-endian):
 * <pre>
 * version  1 byte  0x01
 * created  8 bytes seconds since the epoch
 * count    1 byte  number of entries
 * entry:   kind (1 byte: 1 master key ring, 2 sealed file, 3 plain file),
 *          name length (1 byte), name (ASCII path under the data directory, e.g. keys/master.keys),
 *          purpose length (1 byte), purpose (ASCII; sealed files only, else empty),
 *          content length (4 bytes), content
 * </pre>
 * A backup checks, before writing anything, that every sealed file opens under the ring it saves
 * (so it never records a backup that would not restore), and a restore checks the same before it
 * writes anything. Both hold the {@link KeysLock}. Each backup updates {@link KeyBackupState}.
 */
public final class KeyBackup {
    private static final Logger LOG = LoggerFactory.getLogger(KeyBackup.class);
    static final byte[] MAGIC = "PSTNKBAK".getBytes(StandardCharsets.US_ASCII);
    static final byte PAYLOAD_VERSION = 1;
    static final byte RING = 1;
    static final byte SEALED = 2;
    static final byte PLAIN = 3;
    /** The master key ring's place under the data directory. */
    public static final String RING_NAME = "keys/master.keys";
    static final int MAX_FILE_BYTES = 16 * 1024 * 1024;
    private static final int MAX_ENTRY_BYTES = 1024 * 1024;
    private static final Pattern NAME = Pattern.compile("(keys|tls)/[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Set<String> NEVER_RESTORED = Set.of("keys/" + KeyBackupState.FILE_NAME, "keys/" + KeysLock.FILE_NAME);

    /** What a backup holds: when it was made, the master key ids, and the files (names under the data directory). */
    public record Contents(Instant created, Set<String> masterKeyIds, List<String> files) {}

    private record Entry(byte kind, String name, String purpose, byte[] content) {}

    private KeyBackup() {}

    /**
     * Writes a backup of the deployment in {@code dataDir} to {@code out} (0600; never over an
     * existing file) and records it in {@code keys/backup.state}.
     * @param sealedFiles the files sealed under the master key (absent ones are skipped)
     * @param plainFiles other files to keep with them (the generated TLS certificate; absent ones skipped)
     * @throws ConflictException if {@code out} exists
     * @throws IntegrityException if a sealed file does not open under the master key ring
     */
    public static Contents create(Path dataDir, List<SealedFile> sealedFiles, List<Path> plainFiles, Path out,
            char[] passphrase, PasswordHasher.Params kdf, Clock clock) {
        Objects.requireNonNull(out, "out");
        refuseExisting(out);
        Path outDir = out.toAbsolutePath().getParent();
        if (!Files.isDirectory(outDir)) {
            throw new NotFoundException("cannot write the key backup " + out + ": no such directory " + outDir);
        }
        Path root = dataDir.toAbsolutePath().normalize();
        Path keysDir = root.resolve("keys");
        List<Entry> entries = new ArrayList<>();
        byte[] payload = null;
        try (KeysLock lock = KeysLock.acquire(keysDir)) {
            Path ringFile = root.resolve(RING_NAME);
            MasterKeyRing ring = MasterKeyRing.load(ringFile);
            entries.add(new Entry(RING, RING_NAME, "", readFile(ringFile)));
            for (SealedFile f : sealedFiles) {
                Path path = f.path().toAbsolutePath().normalize();
                if (!Files.exists(path)) {
                    continue;
                }
                OwnerOnlyFiles.requireOwnerOnly(path);
                byte[] sealed = readFile(path);
                try {
                    Arrays.fill(ring.unseal(f.purpose(), sealed), (byte) 0);
                } catch (IntegrityException e) {
                    throw new IntegrityException(path + " does not open under the master key ring " + ringFile
                            + ", so a backup could not restore it; nothing was written");
                }
                entries.add(new Entry(SEALED, nameOf(root, path), f.purpose(), sealed));
            }
            for (Path p : plainFiles) {
                Path path = p.toAbsolutePath().normalize();
                if (Files.exists(path)) {
                    entries.add(new Entry(PLAIN, nameOf(root, path), "", readFile(path)));
                }
            }
            Instant created = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            payload = encode(created, entries);
            byte[] file = PassphraseEnvelope.seal(MAGIC, passphrase, payload, kdf);
            if (!OwnerOnlyFiles.createNew(out, file)) {
                throw existing(out);
            }
            KeyBackupState state = new KeyBackupState(created, ring.keyIds());
            state.write(keysDir);
            LOG.info("event=keys.backup_written master_keys={} files={}", ring.keyIds(), entries.size());
            return contents(created, ring, entries);
        } finally {
            entries.forEach(e -> Arrays.fill(e.content(), (byte) 0));
            if (payload != null) {
                Arrays.fill(payload, (byte) 0);
            }
        }
    }

    /**
     * Restores the backup {@code in} into {@code dataDir}, which must have no master key ring yet:
     * every file the backup holds is written (replacing what is there: without the ring it could
     * not be opened anyway), the ring last, and the backup is recorded in {@code keys/backup.state}.
     * Nothing is written unless the whole backup opens and checks out.
     * @throws ConflictException if the data directory has a master key ring
     * @throws IntegrityException for a wrong passphrase, or an altered or foreign file
     */
    public static Contents restore(Path dataDir, Path in, char[] passphrase) {
        Path root = dataDir.toAbsolutePath().normalize();
        Path ringFile = root.resolve(RING_NAME);
        refuseRing(ringFile);
        byte[] file = readBackup(in);
        byte[] payload;
        try {
            payload = PassphraseEnvelope.open(MAGIC, passphrase, file);
        } catch (IntegrityException e) {
            throw new IntegrityException("cannot open the key backup " + in + ": " + e.getMessage() + "; nothing was restored");
        }
        List<Entry> entries = new ArrayList<>();
        try {
            Instant created = decode(in, payload, entries);
            Entry ringEntry = entries.stream().filter(e -> e.kind() == RING).findFirst().orElseThrow();
            MasterKeyRing ring = MasterKeyRing.fromBytes(Path.of(in + ":" + RING_NAME), ringEntry.content());
            for (Entry e : entries) {
                if (e.kind() == SEALED) {
                    try {
                        Arrays.fill(ring.unseal(e.purpose(), e.content()), (byte) 0);
                    } catch (IntegrityException x) {
                        throw new IntegrityException("the key backup " + in + " holds " + e.name()
                                + ", which its own master key ring does not open; nothing was restored");
                    }
                }
            }
            OwnerOnlyFiles.createPrivateDirectory(root);
            Path keysDir = root.resolve("keys");
            try (KeysLock lock = KeysLock.acquire(keysDir)) {
                refuseRing(ringFile);
                for (Entry e : entries) {
                    if (e.kind() != RING) {
                        Path target = root.resolve(e.name());
                        OwnerOnlyFiles.createPrivateDirectory(target.getParent());
                        OwnerOnlyFiles.write(target, e.content());
                    }
                }
                if (!OwnerOnlyFiles.createNew(ringFile, ringEntry.content())) {
                    throw ringExists(ringFile);
                }
                new KeyBackupState(created, ring.keyIds()).write(keysDir);
            }
            LOG.info("event=keys.backup_restored master_keys={} files={}", ring.keyIds(), entries.size());
            return contents(created, ring, entries);
        } finally {
            entries.forEach(e -> Arrays.fill(e.content(), (byte) 0));
            Arrays.fill(payload, (byte) 0);
        }
    }

    private static Contents contents(Instant created, MasterKeyRing ring, List<Entry> entries) {
        return new Contents(created, ring.keyIds(), entries.stream().map(Entry::name).toList());
    }

    private static void refuseExisting(Path out) {
        if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
            throw existing(out);
        }
    }

    private static ConflictException existing(Path out) {
        return new ConflictException(out + " already exists; a key backup never replaces a file");
    }

    private static void refuseRing(Path ringFile) {
        if (Files.exists(ringFile, LinkOption.NOFOLLOW_LINKS)) {
            throw ringExists(ringFile);
        }
    }

    private static ConflictException ringExists(Path ringFile) {
        return new ConflictException(ringFile + " already exists: restore only into a data directory without a "
                + "master key ring (move its keys directory aside first); nothing was restored");
    }

    private static String nameOf(Path root, Path file) {
        String name = file.startsWith(root) ? root.relativize(file).toString() : "";
        if (!NAME.matcher(name).matches() || NEVER_RESTORED.contains(name) || name.equals(RING_NAME)) {
            throw new IllegalStateException(file + " cannot be kept in a key backup: only files in the keys and tls "
                    + "directories of " + root);
        }
        return name;
    }

    private static byte[] readFile(Path file) {
        try {
            if (Files.size(file) > MAX_ENTRY_BYTES) {
                throw new KeyFileException(file + " is larger than " + MAX_ENTRY_BYTES + " bytes; it is not a key file");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new KeyFileException("cannot read " + file + ": " + e, e);
        }
    }

    private static byte[] readBackup(Path in) {
        try {
            if (Files.size(in) > MAX_FILE_BYTES) {
                throw new IntegrityException(in + " is larger than " + MAX_FILE_BYTES + " bytes; it is not a key backup");
            }
            return Files.readAllBytes(in);
        } catch (NoSuchFileException e) {
            throw new NotFoundException("no such key backup: " + in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the key backup " + in + ": " + e.getMessage(), e);
        }
    }

    private static byte[] encode(Instant created, List<Entry> entries) {
        if (entries.size() > 255) {
            throw new IllegalStateException("a key backup holds at most 255 files");
        }
        int size = 1 + 8 + 1;
        for (Entry e : entries) {
            size += 1 + 1 + e.name().length() + 1 + e.purpose().length() + 4 + e.content().length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).put(PAYLOAD_VERSION).putLong(created.getEpochSecond())
                .put((byte) entries.size());
        for (Entry e : entries) {
            byte[] name = e.name().getBytes(StandardCharsets.US_ASCII);
            byte[] purpose = e.purpose().getBytes(StandardCharsets.US_ASCII);
            b.put(e.kind()).put((byte) name.length).put(name).put((byte) purpose.length).put(purpose)
                    .putInt(e.content().length).put(e.content());
        }
        return b.array();
    }

    /** Parses the plaintext into {@code entries} (so the caller can wipe them whatever happens) and returns the creation time. */
    private static Instant decode(Path in, byte[] payload, List<Entry> entries) {
        ByteBuffer b = ByteBuffer.wrap(payload);
        try {
            byte version = b.get();
            if (version != PAYLOAD_VERSION) {
                throw malformed(in, "content version " + (version & 0xff) + " is unknown; a newer Postern wrote it");
            }
            Instant created = Instant.ofEpochSecond(b.getLong());
            int count = b.get() & 0xff;
            Set<String> names = new HashSet<>();
            for (int i = 0; i < count; i++) {
                byte kind = b.get();
                String name = ascii(b, b.get() & 0xff);
                String purpose = ascii(b, b.get() & 0xff);
                int length = b.getInt();
                if (length < 0 || length > MAX_ENTRY_BYTES || length > b.remaining()) {
                    throw malformed(in, "entry " + (i + 1) + " has a bad length");
                }
                byte[] content = new byte[length];
                b.get(content);
                entries.add(new Entry(kind, name, purpose, content));
                if (kind != RING && kind != SEALED && kind != PLAIN) {
                    throw malformed(in, "entry " + (i + 1) + " is of unknown kind " + kind);
                }
                boolean nameOk = kind == RING ? name.equals(RING_NAME)
                        : NAME.matcher(name).matches() && !name.equals(RING_NAME) && !NEVER_RESTORED.contains(name);
                if (!nameOk || !names.add(name)) {
                    throw malformed(in, "entry " + (i + 1) + " has a name that is not allowed or repeated");
                }
                if ((kind == SEALED) == purpose.isEmpty()) {
                    throw malformed(in, "entry " + (i + 1) + " has a purpose that does not fit its kind");
                }
            }
            if (b.hasRemaining()) {
                throw malformed(in, "trailing bytes after the last entry");
            }
            if (!names.contains(RING_NAME)) {
                throw malformed(in, "there is no master key ring in it");
            }
            return created;
        } catch (BufferUnderflowException e) {
            throw malformed(in, "the content ends early");
        }
    }

    private static String ascii(ByteBuffer b, int length) {
        byte[] bytes = new byte[length];
        b.get(bytes);
        for (byte c : bytes) {
            if (c < 0x21 || c > 0x7e) {
                throw new IntegrityException("a name in the key backup is not printable ASCII");
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static IntegrityException malformed(Path in, String why) {
        return new IntegrityException("the key backup " + in + " is malformed (" + why + "); nothing was restored");
    }
}
