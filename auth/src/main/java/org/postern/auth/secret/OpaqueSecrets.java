package org.postern.auth.secret;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import org.postern.crypto.Secrets;
import org.postern.model.CredentialId;

/**
 * The random secrets Postern hands out: refresh and invite tokens, app passwords, recovery codes,
 * email codes and API tokens. They are stored only as SHA-256 hashes ({@link #hash},
 * {@link #hashGrouped}): each carries at least 78 bits from the platform CSPRNG, so a slow hash
 * would add nothing, and a database leak reveals none of them. Compare hashes with
 * {@link #matches}, never with {@code equals}.
 */
public final class OpaqueSecrets {
    /** App passwords: lowercase letters and digits without the look-alikes 0 o 1 i l (31 symbols). */
    public static final String APP_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
    /**
     * Recovery codes: Crockford's base32 (no i l o u), 5 bits a character. {@link #hashGrouped}
     * reads a typed o as 0 and i or l as 1, as Crockford intends.
     */
    public static final String RECOVERY_CODE_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
    public static final String API_TOKEN_PREFIX = "pst_";

    private static final int GROUPS = 4;
    private static final int GROUP_CHARS = 4;
    private static final int TOKEN_BYTES = 32;
    private static final int EMAIL_CODE_DIGITS = 8;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();
    /** base64url without padding of 16 bytes is 22 characters, of 32 bytes 43. */
    private static final int ID_CHARS = 22;
    private static final int SECRET_CHARS = 43;
    public static final int API_TOKEN_CHARS = API_TOKEN_PREFIX.length() + ID_CHARS + 1 + SECRET_CHARS;

    private OpaqueSecrets() {}

    /** A refresh token: 32 random bytes, base64url without padding (43 characters). */
    public static String refreshToken() {
        return Secrets.randomToken(TOKEN_BYTES);
    }

    /** An invitation token: 32 random bytes, base64url without padding (43 characters). */
    public static String inviteToken() {
        return Secrets.randomToken(TOKEN_BYTES);
    }

    /** An app password such as {@code vjmx-4kq2-rrtc-9pza}: 16 characters from 31, about 79 bits. */
    public static String appPassword() {
        return grouped(APP_PASSWORD_ALPHABET);
    }

    /** A recovery code such as {@code 7q2m-x0ha-kk3d-9zpe}: 16 base32 characters, 80 bits. */
    public static String recoveryCode() {
        return grouped(RECOVERY_CODE_ALPHABET);
    }

    /** A code sent by email: 8 decimal digits, uniformly distributed, leading zeros kept. */
    public static String emailCode() {
        return randomChars("0123456789", EMAIL_CODE_DIGITS);
    }

    /**
     * An API token naming its credential: {@code pst_<id>_<secret>}, the id being the 16 bytes of
     * the credential's UUID and the secret 32 random bytes, both base64url without padding. The
     * id lets the server find the stored hash with one indexed lookup; the secret is what is checked.
     */
    public static String apiToken(CredentialId id) {
        UUID uuid = id.value();
        byte[] idBytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits()).array();
        return API_TOKEN_PREFIX + B64.encodeToString(idBytes) + "_" + Secrets.randomToken(TOKEN_BYTES);
    }

    /**
     * The credential an API token names, if {@code token} has exactly the shape {@link #apiToken}
     * makes (length, prefix, separator, canonical base64url in both parts); else empty. Says
     * nothing about whether the secret is right.
     */
    public static Optional<CredentialId> apiTokenId(String token) {
        if (token == null || token.length() != API_TOKEN_CHARS || !token.startsWith(API_TOKEN_PREFIX)) {
            return Optional.empty();
        }
        int idStart = API_TOKEN_PREFIX.length();
        int separator = idStart + ID_CHARS;
        if (token.charAt(separator) != '_') {
            return Optional.empty();
        }
        Optional<byte[]> id = canonicalBase64(token.substring(idStart, separator), 16);
        if (id.isEmpty() || canonicalBase64(token.substring(separator + 1), TOKEN_BYTES).isEmpty()) {
            return Optional.empty();
        }
        ByteBuffer uuid = ByteBuffer.wrap(id.get());
        return Optional.of(new CredentialId(new UUID(uuid.getLong(), uuid.getLong())));
    }

    /** SHA-256 of the UTF-8 bytes of {@code secret}: what is stored for a token or code. */
    public static byte[] hash(String secret) {
        return sha256().digest(secret.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The hash of a grouped secret (app password, recovery code) as a person typed it: spaces,
     * other white space and dashes are dropped, letters lowercased, and o read as 0, i and l as 1.
     * Store {@code hashGrouped(appPassword())}; then "VJMX 4KQ2 RRTC 9PZA" matches too.
     */
    public static byte[] hashGrouped(String typed) {
        StringBuilder normal = new StringBuilder(typed.length());
        typed.codePoints().forEach(c -> {
            if (c == '-' || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                return;
            }
            int lower = Character.toLowerCase(c);
            normal.appendCodePoint(switch (lower) {
                case 'o' -> '0';
                case 'i', 'l' -> '1';
                default -> lower;
            });
        });
        return hash(normal.toString());
    }

    /** Constant-time comparison of two hashes; false if either is null. */
    public static boolean matches(byte[] a, byte[] b) {
        return a != null && b != null && MessageDigest.isEqual(a, b);
    }

    private static String grouped(String alphabet) {
        String raw = randomChars(alphabet, GROUPS * GROUP_CHARS);
        StringBuilder out = new StringBuilder(GROUPS * (GROUP_CHARS + 1));
        for (int g = 0; g < GROUPS; g++) {
            if (g > 0) {
                out.append('-');
            }
            out.append(raw, g * GROUP_CHARS, (g + 1) * GROUP_CHARS);
        }
        return out.toString();
    }

    /** {@code count} characters drawn uniformly from {@code alphabet} (rejection sampling, no modulo bias). */
    static String randomChars(String alphabet, int count) {
        int n = alphabet.length();
        int limit = 256 - 256 % n; // bytes at or above this would favour the first characters
        StringBuilder out = new StringBuilder(count);
        while (out.length() < count) {
            byte[] batch = Secrets.randomBytes(count * 2);
            for (int i = 0; i < batch.length && out.length() < count; i++) {
                int b = batch[i] & 0xff;
                if (b < limit) {
                    out.append(alphabet.charAt(b % n));
                }
            }
            Arrays.fill(batch, (byte) 0);
        }
        return out.toString();
    }

    /** Decodes unpadded base64url only when it is the one spelling of exactly {@code bytes} bytes. */
    private static Optional<byte[]> canonicalBase64(String text, int bytes) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return Optional.empty();
            }
        }
        byte[] decoded;
        try {
            decoded = B64_DECODER.decode(text);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        // The decoder ignores unused low bits of the last character; only the canonical spelling counts.
        if (decoded.length != bytes || !B64.encodeToString(decoded).equals(text)) {
            return Optional.empty();
        }
        return Optional.of(decoded);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
