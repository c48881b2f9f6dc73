package org.postern.auth.totp;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import javax.crypto.spec.SecretKeySpec;
import org.postern.crypto.Secrets;

/**
 * Time-based one-time passwords (RFC 6238) as every authenticator app makes them: HMAC-SHA-1,
 * 6 digits, 30-second steps. A code is accepted one step either side of now, for clocks that
 * drift and people who type slowly. {@link #matchingStep} returns the step a code matched so the
 * caller can refuse a step already used (a code is good only once).
 */
public final class Totp {
    public static final int DIGITS = 6;
    public static final Duration STEP = Duration.ofSeconds(30);
    /** RFC 4226 asks for at least 128 bits and recommends 160: the length of an SHA-1 output. */
    public static final int SECRET_BYTES = 20;
    private static final String HMAC = TimeBasedOneTimePasswordGenerator.TOTP_ALGORITHM_HMAC_SHA1;
    private static final int MAX_LABEL_CHARS = 256;

    private final Clock clock;
    private final TimeBasedOneTimePasswordGenerator generator =
            new TimeBasedOneTimePasswordGenerator(STEP, DIGITS, HMAC);

    public Totp(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A new random shared secret; the caller seals it before storing and wipes the array after. */
    public static byte[] newSecret() {
        return Secrets.randomBytes(SECRET_BYTES);
    }

    /** The step now: seconds since the epoch divided by 30. */
    public long currentStep() {
        return Math.floorDiv(clock.instant().getEpochSecond(), STEP.toSeconds());
    }

    /** The 6-digit code of {@code step} (leading zeros kept, ASCII digits whatever the default locale). */
    public String codeAt(byte[] secret, long step) {
        if (secret == null || secret.length == 0) {
            throw new IllegalArgumentException("a TOTP secret must not be empty");
        }
        try {
            return generator.generateOneTimePasswordString(new SecretKeySpec(secret, HMAC),
                    Instant.ofEpochSecond(Math.multiplyExact(step, STEP.toSeconds())), Locale.ROOT);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA1 refused a raw key", e);
        }
    }

    /**
     * The step (now - 1, now or now + 1) whose code is {@code code}, or empty. Anything but exactly
     * six ASCII digits is empty, never an exception. All three codes are computed and compared in
     * constant time, so the time taken says nothing about which step, if any, was close.
     */
    public OptionalLong matchingStep(byte[] secret, String code) {
        if (code == null || code.length() != DIGITS) {
            return OptionalLong.empty();
        }
        for (int i = 0; i < DIGITS; i++) {
            char c = code.charAt(i);
            if (c < '0' || c > '9') {
                return OptionalLong.empty();
            }
        }
        byte[] presented = code.getBytes(StandardCharsets.US_ASCII);
        long now = currentStep();
        long matched = -1;
        boolean found = false;
        for (long step = now - 1; step <= now + 1; step++) {
            boolean equal = MessageDigest.isEqual(codeAt(secret, step).getBytes(StandardCharsets.US_ASCII), presented);
            if (equal && !found) {
                matched = step;
                found = true;
            }
        }
        return found ? OptionalLong.of(matched) : OptionalLong.empty();
    }

    /**
     * The provisioning URI authenticator apps read from a QR code:
     * {@code otpauth://totp/<issuer>:<account>?secret=<base32>&issuer=<issuer>&algorithm=SHA1&digits=6&period=30},
     * issuer and account percent-encoded (RFC 3986; a space is {@code %20}, a colon inside
     * either {@code %3A}). It contains the secret: show it once, never log it.
     */
    public static String otpauthUri(String issuer, String accountName, byte[] secret) {
        checkLabel(issuer, "issuer");
        checkLabel(accountName, "account name");
        if (secret == null || secret.length == 0) {
            throw new IllegalArgumentException("a TOTP secret must not be empty");
        }
        String encodedIssuer = percentEncode(issuer);
        return "otpauth://totp/" + encodedIssuer + ":" + percentEncode(accountName)
                + "?secret=" + base32(secret) + "&issuer=" + encodedIssuer
                + "&algorithm=SHA1&digits=" + DIGITS + "&period=" + STEP.toSeconds();
    }

    private static void checkLabel(String value, String what) {
        if (value == null || value.isBlank() || value.length() > MAX_LABEL_CHARS) {
            throw new IllegalArgumentException(what + " must be 1.." + MAX_LABEL_CHARS + " characters");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(what + " must not contain control characters");
        }
    }

    /** RFC 3986 percent-encoding of UTF-8: everything but unreserved characters (ALPHA DIGIT - . _ ~). */
    static String percentEncode(String value) {
        StringBuilder out = new StringBuilder(value.length() * 3);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~';
            if (unreserved) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /** RFC 4648 base32, upper case, without padding: how a secret is shown for typing into an app. */
    public static String base32(byte[] data) {
        String alphabet = BASE32;
        StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(alphabet.charAt((buffer >> (bits - 5)) & 0x1f));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(alphabet.charAt((buffer << (5 - bits)) & 0x1f));
        }
        return out.toString();
    }

    /** The secret from its base32 text (case and '=' padding ignored), as an authenticator app reads it. */
    public static byte[] fromBase32(String text) {
        String s = text.replace("=", "").toUpperCase(java.util.Locale.ROOT);
        byte[] out = new byte[s.length() * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int n = 0;
        for (char c : s.toCharArray()) {
            int v = BASE32.indexOf(c);
            if (v < 0) {
                throw new IllegalArgumentException("not base32");
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out[n++] = (byte) (buffer >> (bits - 8));
                bits -= 8;
            }
        }
        return out;
    }
}
