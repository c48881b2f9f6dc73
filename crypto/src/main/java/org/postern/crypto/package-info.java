/**
 * Postern's cryptography: AES-256-GCM for small values, segmented streaming AEAD for blobs, the
 * master key ring that wraps per-user data keys, Argon2id password hashing, passphrase-derived keys
 * for files that must outlive the master key (key backups), secret generation and strength checks,
 * and owner-only secret files.
 *
 * <p>SECURITY: this package is exposed to stored ciphertext (database fields, blob files, wrapped
 * keys, sealed files, passphrase-sealed backups) that an attacker with storage access may have
 * altered, truncated, swapped or replayed, to PHC password hashes read from the database, and to
 * key-ring files and configured secrets on disk. Every ciphertext is authenticated, bound to its owner through associated data,
 * and rejected with {@link org.postern.model.IntegrityException} before any of its plaintext is
 * released; key files are refused unless owner-only and well-formed. It reaches only the files it
 * is given and the platform CSPRNG. Key bytes never appear in {@code toString}, exception messages
 * or logs.
 */
package org.postern.crypto;
