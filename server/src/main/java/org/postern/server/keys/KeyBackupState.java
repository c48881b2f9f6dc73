package org.postern.server.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.postern.crypto.MasterKeyRing;
import org.postern.crypto.OwnerOnlyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record of the last key backup, {@code keys/backup.state}: when it was made and which master
 * keys it holds. Not secret (ids only), but written like the key files (0600, atomically). It
 * answers the one question that matters: would the last backup open the data keys wrapped now,
 * that is, does it hold the active master key? After a master key rotation it no longer does.
 *
 * <p>Format (UTF-8 text):
 * <pre>
 * postern-key-backup-state v1
 * time 2026-11-23T10:00:00Z
 * master-keys mk-0123456789abcdef mk-fedcba9876543210
 * </pre>
 */
public record KeyBackupState(Instant time, Set<String> masterKeyIds) {
    private static final Logger LOG = LoggerFactory.getLogger(KeyBackupState.class);
    public static final String FILE_NAME = "backup.state";
    static final String HEADER = "postern-key-backup-state v1";
    private static final Pattern KEY_ID = Pattern.compile("mk-[0-9a-f]{16}");
    private static final int MAX_BYTES = 64 * 1024;

    public KeyBackupState {
        Objects.requireNonNull(time, "time");
        masterKeyIds = Set.copyOf(new LinkedHashSet<>(masterKeyIds));
        for (String id : masterKeyIds) {
            if (!KEY_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("not a master key id: " + id);
            }
        }
    }

    /** True when this backup holds the master key {@code keyId}. */
    public boolean covers(String keyId) {
        return masterKeyIds.contains(keyId);
    }

    /** Saves this record in {@code keysDir}, replacing the previous one. */
    public void write(Path keysDir) {
        StringBuilder text = new StringBuilder(HEADER).append('\n')
                .append("time ").append(time).append('\n')
                .append("master-keys");
        masterKeyIds.stream().sorted().forEach(id -> text.append(' ').append(id));
        text.append('\n');
        OwnerOnlyFiles.write(keysDir.resolve(FILE_NAME), text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The record in {@code keysDir}; empty when no backup was ever recorded, or when the file is
     * unreadable (logged: the reminder then errs on the side of asking for a new backup).
     */
    public static Optional<KeyBackupState> read(Path keysDir) {
        Path file = keysDir.resolve(FILE_NAME);
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException("larger than " + MAX_BYTES + " bytes");
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.size() != 3 || !lines.get(0).equals(HEADER) || !lines.get(1).startsWith("time ")
                    || !(lines.get(2).equals("master-keys") || lines.get(2).startsWith("master-keys "))) {
                throw new IllegalArgumentException("expected '" + HEADER + "', a time line and a master-keys line");
            }
            Instant time = Instant.parse(lines.get(1).substring("time ".length()));
            Set<String> ids = new LinkedHashSet<>();
            for (String id : lines.get(2).substring("master-keys".length()).strip().split(" ")) {
                if (!id.isEmpty()) {
                    ids.add(id);
                }
            }
            return Optional.of(new KeyBackupState(time, ids));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
            LOG.warn("event=keys.backup_state_unreadable file={} reason=\"{}\"; treating it as no backup", file,
                    e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Logs {@code event=keys.backup_missing} (WARN) when no recorded backup holds the active master
     * key: none was ever made, or the key was rotated since. Called at server start-up.
     * @return true when it warned
     */
    public static boolean warnIfActiveKeyUncovered(MasterKeys masterKeys) {
        MasterKeyRing ring = masterKeys.get();
        Optional<KeyBackupState> state = read(masterKeys.file().getParent());
        if (state.isPresent() && state.get().covers(ring.activeKeyId())) {
            return false;
        }
        LOG.warn("event=keys.backup_missing active_master_key={} last_backup={}: no key backup holds the active master "
                        + "key, so losing the keys directory would lose all mail. Run: ./postern keys backup --out FILE "
                        + "--passphrase-stdin", ring.activeKeyId(),
                state.map(s -> s.time() + " (before the last rotation)").orElse("never"));
        return true;
    }
}
