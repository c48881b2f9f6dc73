package org.postern.crypto;

import java.nio.file.Path;
import java.util.Set;

/**
 * The master keys (key-encryption keys): one active, which wraps new data keys and seals files,
 * and any retired ones still needed to unwrap what has not been rewrapped yet. Immutable; rotation
 * returns a new ring, which the caller saves before rewrapping anything.
 */
public final class MasterKeyRing {

    /**
     * Loads the ring from {@code file}, or creates one with a fresh active key (mode 0600, parent
     * directory 0700) when the file does not exist.
     * @throws KeyFileException if the file is readable or writable by group or others, malformed,
     *     or holds a key that is too short or weak; the message names the file
     */
    public static MasterKeyRing loadOrCreate(Path file) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    /** Loads an existing ring; like {@link #loadOrCreate} but never creates. */
    public static MasterKeyRing load(Path file) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    public String activeKeyId() {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    public Set<String> keyIds() {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    /** Wraps {@code key} under the active master key, bound to {@code associatedData}. */
    public WrappedKey wrap(DataKey key, byte[] associatedData) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    /** @throws org.postern.model.IntegrityException if the master key is unknown or the wrapping does not authenticate */
    public DataKey unwrap(WrappedKey wrapped, byte[] associatedData) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    /** Seals a small secret (a private key file) under the active key; the output names the key it used. */
    public byte[] seal(String purpose, byte[] plaintext) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    /** @throws org.postern.model.IntegrityException if it was sealed for another purpose, tampered with, or its key is gone */
    public byte[] unseal(String purpose, byte[] sealed) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    /** The master key id a sealed value names, so rotation can tell what still needs resealing. */
    public static String sealedKeyId(byte[] sealed) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    /** A new ring with a fresh active key; the current active key is kept as retired. */
    public MasterKeyRing withNewActiveKey() {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    /** A new ring without the retired key {@code keyId}. @throws IllegalArgumentException for the active key */
    public MasterKeyRing withoutKey(String keyId) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }

    /** Writes the ring atomically (temp file, fsync, rename, fsync directory) with mode 0600. */
    public void save(Path file) {
        throw new UnsupportedOperationException("filled in by the crypto work");
    }
}
