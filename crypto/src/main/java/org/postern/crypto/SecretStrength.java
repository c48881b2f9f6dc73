package org.postern.crypto;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Decides whether a configured secret or a key is too weak to start with. */
public final class SecretStrength {
    static final int MIN_PASSPHRASE_CHARS = 16;
    static final int MIN_DISTINCT_CHARS = 6;
    static final int MIN_DISTINCT_KEY_BYTES = 8;

    /**
     * Defaults and placeholders seen in example configs, compared case-insensitively after
     * trailing digits and '!' are stripped, and also when repeated ("changemechangeme").
     */
    private static final Set<String> WELL_KNOWN = Set.of(
            "changeme", "change-me", "change_me", "change me", "changethis", "change-this", "changeit",
            "password", "passw0rd", "p@ssw0rd", "p@ssword", "pass", "passwd", "passphrase",
            "secret", "secretkey", "secret-key", "secret_key", "mysecret", "supersecret", "topsecret",
            "mypassword", "mysecretpassword", "admin", "administrator", "root", "toor", "postgres",
            "postern", "postern-secret", "postern-password", "postern-change-me", "mail", "mailserver",
            "default", "test", "testing", "example", "sample", "demo", "dummy", "foobar", "foo", "bar",
            "letmein", "welcome", "qwerty", "qwertyuiop", "asdf", "asdfghjkl", "zxcvbnm", "abc", "abcdef",
            "abcdefgh", "abcdefghijklmnop", "iloveyou", "monkey", "dragon", "master", "trustno1",
            "replaceme", "replace-me", "replace_me", "your-secret-here", "yoursecret", "insert-secret-here",
            "todo", "fixme", "xxx", "xxxxxxxx", "correcthorsebatterystaple", "correct horse battery staple",
            "123456", "1234567", "12345678", "123456789", "1234567890", "0123456789", "111111", "000000");

    private SecretStrength() {}

    /** Empty when acceptable; else a short reason ("is a well-known default", "is shorter than 16 characters"). */
    public static Optional<String> problemWithPassphrase(String secret) {
        if (secret == null || secret.isBlank()) {
            return Optional.of("is empty");
        }
        if (secret.codePointCount(0, secret.length()) < MIN_PASSPHRASE_CHARS) {
            return Optional.of("is shorter than " + MIN_PASSPHRASE_CHARS + " characters");
        }
        if (isWellKnown(secret)) {
            return Optional.of("is a well-known default");
        }
        if (secret.codePoints().distinct().count() < MIN_DISTINCT_CHARS) {
            return Optional.of("has too little variety");
        }
        return Optional.empty();
    }

    private static boolean isWellKnown(String secret) {
        String lower = secret.strip().toLowerCase(Locale.ROOT);
        if (WELL_KNOWN.contains(lower)) {
            return true;
        }
        String stripped = stripTrailingDigitsAndBangs(lower);
        if (stripped.isEmpty()) {
            // digits and '!' only: reuse the repetition check on the original ("123456123456...")
            stripped = lower;
        }
        if (WELL_KNOWN.contains(stripped)) {
            return true;
        }
        for (String known : WELL_KNOWN) {
            if (isRepetitionOf(stripped, known) || isRepetitionOf(lower, known)) {
                return true;
            }
        }
        return false;
    }

    private static String stripTrailingDigitsAndBangs(String s) {
        int end = s.length();
        while (end > 0) {
            char c = s.charAt(end - 1);
            if ((c >= '0' && c <= '9') || c == '!') {
                end--;
            } else {
                break;
            }
        }
        return s.substring(0, end);
    }

    /** True if {@code s} is {@code unit} two or more times, optionally joined by '-', '_', '.' or ' '. */
    private static boolean isRepetitionOf(String s, String unit) {
        if (s.length() < 2 * unit.length()) {
            return false;
        }
        String compact = s.replaceAll("[-_. ]", "");
        String compactUnit = unit.replaceAll("[-_. ]", "");
        if (compactUnit.isEmpty() || compact.length() % compactUnit.length() != 0) {
            return false;
        }
        return compactUnit.repeat(compact.length() / compactUnit.length()).equals(compact);
    }

    /** Empty when acceptable; else why the key bytes are unusable (wrong length, constant, low variety). */
    public static Optional<String> problemWithKey(byte[] key, int requiredBytes) {
        if (requiredBytes < 1) {
            throw new IllegalArgumentException("required key length must be positive: " + requiredBytes);
        }
        if (key == null || key.length == 0) {
            return Optional.of("is empty");
        }
        if (key.length != requiredBytes) {
            return Optional.of("is " + key.length + " bytes, expected " + requiredBytes);
        }
        boolean[] seen = new boolean[256];
        int distinct = 0;
        for (byte b : key) {
            if (!seen[b & 0xff]) {
                seen[b & 0xff] = true;
                distinct++;
            }
        }
        // Random 32-byte keys have ~30 distinct bytes; fewer than 8 means a constant or a pattern.
        int minDistinct = Math.min(MIN_DISTINCT_KEY_BYTES, requiredBytes / 4);
        if ((key.length > 1 && distinct == 1) || distinct < minDistinct) {
            return Optional.of("has too little variety");
        }
        return Optional.empty();
    }
}
