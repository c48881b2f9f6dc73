package org.postern.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.postern.model.IntegrityException;

/**
 * Encrypts a small file's content under a key derived from a passphrase, so that it can be read
 * on another machine with nothing but the passphrase (key backups).
 *
 * <p>Format (integers big-endian):
 * <pre>
 * magic        8 bytes   the file type, chosen by the caller (e.g. "PSTNKBAK")
 * version      1 byte    0x01
 * kdf          1 byte    0x01 = Argon2id v0x13 of the UTF-8 passphrase
 * memory       4 bytes   KiB
 * iterations   4 bytes
 * parallelism  4 bytes
 * salt length  1 byte    16..64
 * salt
 * ---- everything above is the header, and the associated data of:
 * AesGcm output: 0x01, 12-byte random nonce, AES-256-GCM ciphertext and 16-byte tag
 * </pre>
 * The key is the 32-byte Argon2id output. Binding the whole header as associated data means a file
 * whose parameters or salt were edited does not open, exactly like one whose ciphertext was.
 * Parameters beyond {@link PassphraseKey}'s bounds are refused before any work is done.
 */
public final class PassphraseEnvelope {
    public static final int MAGIC_BYTES = 8;
    static final byte VERSION = 0x01;
    static final byte KDF_ARGON2ID = 0x01;
    private static final int FIXED_HEADER_BYTES = MAGIC_BYTES + 1 + 1 + 4 + 4 + 4 + 1;

    private PassphraseEnvelope() {}

    /** The sealed file content for {@code plaintext}, with a fresh random salt and nonce. */
    public static byte[] seal(byte[] magic, char[] passphrase, byte[] plaintext, PasswordHasher.Params params) {
        requireMagic(magic);
        Objects.requireNonNull(passphrase, "passphrase");
        Objects.requireNonNull(plaintext, "plaintext");
        byte[] salt = Secrets.randomBytes(PassphraseKey.SALT_BYTES);
        byte[] header = ByteBuffer.allocate(FIXED_HEADER_BYTES + salt.length)
                .put(magic).put(VERSION).put(KDF_ARGON2ID)
                .putInt(params.memoryKiB()).putInt(params.iterations()).putInt(params.parallelism())
                .put((byte) salt.length).put(salt)
                .array();
        byte[] body;
        try (DataKey key = PassphraseKey.derive(passphrase, salt, params)) {
            body = AesGcm.seal(key, plaintext, header);
        }
        byte[] out = Arrays.copyOf(header, header.length + body.length);
        System.arraycopy(body, 0, out, header.length, body.length);
        return out;
    }

    /** True when {@code content} starts with {@code magic}: the file claims to be of this type. */
    public static boolean hasMagic(byte[] magic, byte[] content) {
        requireMagic(magic);
        return content != null && content.length >= MAGIC_BYTES && Arrays.equals(content, 0, MAGIC_BYTES, magic, 0, MAGIC_BYTES);
    }

    /**
     * The plaintext, which the caller wipes after use.
     * @throws IntegrityException if the content is not of this type, is of an unknown version, asks
     *     for parameters out of bounds, or does not authenticate (wrong passphrase, or altered)
     */
    public static byte[] open(byte[] magic, char[] passphrase, byte[] content) {
        requireMagic(magic);
        Objects.requireNonNull(passphrase, "passphrase");
        Objects.requireNonNull(content, "content");
        if (!hasMagic(magic, content)) {
            throw new IntegrityException("not a " + new String(magic, StandardCharsets.US_ASCII).strip() + " file");
        }
        if (content.length < FIXED_HEADER_BYTES) {
            throw new IntegrityException("the file is truncated");
        }
        ByteBuffer in = ByteBuffer.wrap(content, MAGIC_BYTES, content.length - MAGIC_BYTES);
        byte version = in.get();
        if (version != VERSION) {
            throw new IntegrityException("unknown format version " + (version & 0xff) + "; a newer Postern wrote it");
        }
        byte kdf = in.get();
        if (kdf != KDF_ARGON2ID) {
            throw new IntegrityException("unknown key derivation " + (kdf & 0xff));
        }
        PasswordHasher.Params params = new PasswordHasher.Params(in.getInt(), in.getInt(), in.getInt());
        String problem = PassphraseKey.problemWith(params);
        if (problem != null) {
            throw new IntegrityException("the file asks for out-of-bounds key derivation: " + problem);
        }
        int saltLength = in.get() & 0xff;
        if (saltLength < PassphraseKey.MIN_SALT_BYTES || saltLength > PassphraseKey.MAX_SALT_BYTES) {
            throw new IntegrityException("the file has a " + saltLength + "-byte salt; expected "
                    + PassphraseKey.MIN_SALT_BYTES + " to " + PassphraseKey.MAX_SALT_BYTES);
        }
        int headerLength = FIXED_HEADER_BYTES + saltLength;
        if (content.length < headerLength) {
            throw new IntegrityException("the file is truncated");
        }
        byte[] salt = Arrays.copyOfRange(content, FIXED_HEADER_BYTES, headerLength);
        byte[] header = Arrays.copyOfRange(content, 0, headerLength);
        byte[] body = Arrays.copyOfRange(content, headerLength, content.length);
        try (DataKey key = PassphraseKey.derive(passphrase, salt, params)) {
            return AesGcm.open(key, body, header);
        } catch (IntegrityException e) {
            throw new IntegrityException("wrong passphrase, or the file was altered or truncated");
        } catch (IllegalArgumentException notUnicode) {
            throw new IntegrityException("wrong passphrase (it is not valid Unicode)");
        }
    }

    private static void requireMagic(byte[] magic) {
        Objects.requireNonNull(magic, "magic");
        if (magic.length != MAGIC_BYTES) {
            throw new IllegalArgumentException("magic must be " + MAGIC_BYTES + " bytes, got " + magic.length);
        }
    }
}
