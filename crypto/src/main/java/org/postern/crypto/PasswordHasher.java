package org.postern.crypto;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashing (RFC 9106) with PHC-format output
 * ({@code $argon2id$v=19$m=..,t=..,p=..$salt$hash}) and constant-time verification.
 *
 * <p>Salts and hashes are standard base64 without padding, as in the PHC string format. A stored
 * hash is parsed strictly, and parameters beyond {@link #MAX_MEMORY_KIB}, {@link #MAX_ITERATIONS}
 * or {@link #MAX_PARALLELISM} are refused rather than computed, so a planted hash cannot make a
 * login allocate gigabytes. Password bytes are wiped after use.
 */
public final class PasswordHasher {
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;
    static final int MAX_MEMORY_KIB = 1024 * 1024;
    static final int MAX_ITERATIONS = 100;
    static final int MAX_PARALLELISM = 64;
    private static final int MIN_STORED_SALT_BYTES = 8;
    private static final int MAX_STORED_SALT_BYTES = 64;
    private static final int MIN_STORED_HASH_BYTES = 16;
    private static final int MAX_STORED_HASH_BYTES = 64;
    private static final String NUMBER = "(0|[1-9][0-9]{0,9})";
    private static final String B64 = "([A-Za-z0-9+/]+)";
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=" + NUMBER + ",t=" + NUMBER + ",p=" + NUMBER + "\\$" + B64 + "\\$" + B64);
    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();

    /** Memory in KiB, iterations and lanes. */
    public record Params(int memoryKiB, int iterations, int parallelism) {
        /** OWASP's minimum for Argon2id: 19 MiB, 2 iterations, 1 lane. */
        public static final Params DEFAULT = new Params(19_456, 2, 1);
    }

    private final Params params;

    public PasswordHasher(Params params) {
        Objects.requireNonNull(params, "params");
        if (params.parallelism() < 1 || params.parallelism() > MAX_PARALLELISM) {
            throw new IllegalArgumentException("Argon2id parallelism must be 1.." + MAX_PARALLELISM + ", got " + params.parallelism());
        }
        if (params.iterations() < 1 || params.iterations() > MAX_ITERATIONS) {
            throw new IllegalArgumentException("Argon2id iterations must be 1.." + MAX_ITERATIONS + ", got " + params.iterations());
        }
        if (params.memoryKiB() < 8 * params.parallelism() || params.memoryKiB() > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("Argon2id memory must be 8 KiB per lane (" + 8 * params.parallelism()
                    + ") to " + MAX_MEMORY_KIB + " KiB, got " + params.memoryKiB());
        }
        this.params = params;
    }

    public String hash(char[] password) {
        Objects.requireNonNull(password, "password");
        byte[] salt = Secrets.randomBytes(SALT_BYTES);
        byte[] hash = new byte[HASH_BYTES];
        try {
            derive(password, salt, params, hash);
            return "$argon2id$v=19$m=" + params.memoryKiB() + ",t=" + params.iterations() + ",p=" + params.parallelism()
                    + "$" + ENCODER.encodeToString(salt) + "$" + ENCODER.encodeToString(hash);
        } finally {
            Arrays.fill(hash, (byte) 0);
        }
    }

    /** Constant-time comparison; false (never an exception) for a malformed stored hash. */
    public boolean verify(char[] password, String phc) {
        Objects.requireNonNull(password, "password");
        Optional<Stored> parsed = parse(phc);
        if (parsed.isEmpty()) {
            return false;
        }
        Stored stored = parsed.get();
        byte[] computed = new byte[stored.hash().length];
        try {
            derive(password, stored.salt(), stored.params(), computed);
            return MessageDigest.isEqual(computed, stored.hash());
        } catch (IllegalArgumentException notUnicode) {
            return false; // a password with an unpaired surrogate cannot have been hashed
        } finally {
            Arrays.fill(computed, (byte) 0);
        }
    }

    /** True when the stored hash used weaker parameters than this hasher's. */
    public boolean needsRehash(String phc) {
        Optional<Stored> parsed = parse(phc);
        if (parsed.isEmpty()) {
            return true;
        }
        Stored stored = parsed.get();
        Params p = stored.params();
        return p.memoryKiB() < params.memoryKiB() || p.iterations() < params.iterations()
                || p.parallelism() < params.parallelism()
                || stored.salt().length < SALT_BYTES || stored.hash().length < HASH_BYTES;
    }

    /** Argon2id version 0x13 of {@code password} (as UTF-8, wiped afterwards) into {@code out}. */
    static void derive(char[] password, byte[] salt, Params params, byte[] out) {
        deriveRaw(utf8(password), salt, null, null, params, out, true);
    }

    /** Argon2id with the RFC 9106 optional inputs, for the known-answer test; wipes {@code password} if asked. */
    static void deriveRaw(byte[] password, byte[] salt, byte[] secret, byte[] additional, Params params, byte[] out,
                          boolean wipePassword) {
        try {
            Argon2Parameters.Builder builder = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withMemoryAsKB(params.memoryKiB())
                    .withIterations(params.iterations())
                    .withParallelism(params.parallelism())
                    .withSalt(salt);
            if (secret != null) {
                builder.withSecret(secret);
            }
            if (additional != null) {
                builder.withAdditional(additional);
            }
            Argon2BytesGenerator generator = new Argon2BytesGenerator();
            generator.init(builder.build());
            generator.generateBytes(password, out);
        } finally {
            if (wipePassword) {
                Arrays.fill(password, (byte) 0);
            }
        }
    }

    /** UTF-8 bytes of {@code chars} without an intermediate String; unpaired surrogates are refused. */
    static byte[] utf8(char[] chars) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer buffer;
        try {
            buffer = encoder.encode(CharBuffer.wrap(chars));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("password is not valid Unicode (unpaired surrogate)");
        }
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        if (buffer.hasArray()) {
            Arrays.fill(buffer.array(), (byte) 0);
        }
        return out;
    }

    private record Stored(Params params, byte[] salt, byte[] hash) {}

    private static Optional<Stored> parse(String phc) {
        if (phc == null || phc.length() > 512) {
            return Optional.empty();
        }
        Matcher m = PHC.matcher(phc);
        if (!m.matches()) {
            return Optional.empty();
        }
        long memory = Long.parseLong(m.group(1));
        long iterations = Long.parseLong(m.group(2));
        long parallelism = Long.parseLong(m.group(3));
        if (parallelism < 1 || parallelism > MAX_PARALLELISM || iterations < 1 || iterations > MAX_ITERATIONS
                || memory < 8 * parallelism || memory > MAX_MEMORY_KIB) {
            return Optional.empty();
        }
        byte[] salt = decodeCanonical(m.group(4));
        byte[] hash = decodeCanonical(m.group(5));
        if (salt == null || hash == null
                || salt.length < MIN_STORED_SALT_BYTES || salt.length > MAX_STORED_SALT_BYTES
                || hash.length < MIN_STORED_HASH_BYTES || hash.length > MAX_STORED_HASH_BYTES) {
            return Optional.empty();
        }
        return Optional.of(new Stored(new Params((int) memory, (int) iterations, (int) parallelism), salt, hash));
    }

    /** Unpadded standard base64 that re-encodes to the same text (no stray bits), else null. */
    private static byte[] decodeCanonical(String text) {
        try {
            byte[] bytes = Base64.getDecoder().decode(text);
            return ENCODER.encodeToString(bytes).equals(text) ? bytes : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
