package org.postern.server.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.function.Supplier;
import org.postern.crypto.MasterKeyRing;

/**
 * The master key ring as the file holds it now. The admin CLI rotates keys while the server runs,
 * so every use re-checks the file (one stat) and reloads it when it changed: a data key wrapped by
 * one process under a new key is readable by the other at once, and nobody keeps wrapping under a
 * key that rotation is about to remove.
 */
public final class MasterKeys implements Supplier<MasterKeyRing> {
    private final Path file;
    private MasterKeyRing ring;
    private Object loadedVersion;

    private MasterKeys(Path file, MasterKeyRing ring) {
        this.file = file;
        this.ring = ring;
        this.loadedVersion = version();
    }

    /** Loads the ring, creating it (and its 0700 directory) on first run. */
    public static MasterKeys openOrCreate(Path file) {
        return new MasterKeys(file, MasterKeyRing.loadOrCreate(file));
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized MasterKeyRing get() {
        Object now = version();
        if (!Objects.equals(now, loadedVersion)) {
            ring = MasterKeyRing.load(file);
            loadedVersion = now;
        }
        return ring;
    }

    /** Saves a new ring (after rotation) and uses it from now on. */
    public synchronized void replace(MasterKeyRing newRing) {
        newRing.save(file);
        ring = newRing;
        loadedVersion = version();
    }

    private Object version() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.lastModifiedTime().toMillis() + ":" + a.size() + ":" + a.fileKey();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the master key file " + file, e);
        }
    }
}
