package org.postern.mail.directory;

import com.nulabinc.zxcvbn.Strength;
import com.nulabinc.zxcvbn.Zxcvbn;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.postern.model.InvalidInputException;

/**
 * The rules a new password must meet. Length is what matters most (NIST SP 800-63B), but
 * SP 800-63B also asks to refuse passwords that attackers try first: a long password from a
 * breach list ("1qaz2wsx3edc") or a pattern ("passwordpassword", "qwertyuiopasdf") falls to an
 * online guesser in a few thousand tries, whatever its length. So a password is also refused when
 * its lowercase form is in the list of common passwords bundled with zxcvbn, or when zxcvbn (which
 * knows dictionary words, keyboard walks, repeats, sequences, dates and l33t spelling) scores it
 * below 2 ("somewhat guessable": under about 10^8 guesses). Nothing else (no character classes)
 * is required.
 */
public final class PasswordPolicy {
    public static final int MIN_CHARS = 12;
    // Argon2id takes any length, but an unbounded input is a cheap way to burn server CPU.
    public static final int MAX_CHARS = 1024;
    /** Lowest acceptable zxcvbn score (0 = too guessable ... 4 = very unguessable). */
    public static final int MIN_SCORE = 2;
    /**
     * zxcvbn's matching is super-linear: 1024 characters take seconds. It sees only this many
     * leading characters; a password whose first 64 characters are easy to guess is refused.
     */
    static final int MAX_SCORED_CHARS = 64;

    private static final String COMMON_PASSWORDS = "com/nulabinc/zxcvbn/matchers/dictionaries/passwords.txt";

    private PasswordPolicy() {}

    /** Throws {@link InvalidInputException} naming the first rule {@code password} breaks. */
    public static void check(char[] password) {
        if (password == null || password.length < MIN_CHARS) {
            throw new InvalidInputException("password must be at least " + MIN_CHARS + " characters");
        }
        if (password.length > MAX_CHARS) {
            throw new InvalidInputException("password must be at most " + MAX_CHARS + " characters");
        }
        for (char c : password) {
            if (Character.isISOControl(c)) {
                throw new InvalidInputException("password must not contain control characters");
            }
        }
        if (password.length <= Common.LONGEST && Common.PASSWORDS.contains(new String(password).toLowerCase(Locale.ROOT))) {
            throw new InvalidInputException("password is too common");
        }
        // zxcvbn wipes what it measured (Strength.wipe overwrites the buffer), so it gets a copy.
        char[] scored = Arrays.copyOf(password, Math.min(password.length, MAX_SCORED_CHARS));
        int score;
        try {
            Strength strength = Scorer.ZXCVBN.measure(CharBuffer.wrap(scored));
            score = strength.getScore();
            strength.wipe();
        } finally {
            Arrays.fill(scored, '\0');
        }
        if (score < MIN_SCORE) {
            throw new InvalidInputException("password is too easy to guess");
        }
    }

    /** The common-password list, loaded on first use; a missing list stops the check rather than skipping it. */
    static final class Common {
        static final Set<String> PASSWORDS = load();
        static final int LONGEST = PASSWORDS.stream().mapToInt(String::length).max().orElse(0);

        private Common() {}

        private static Set<String> load() {
            InputStream in = PasswordPolicy.class.getClassLoader().getResourceAsStream(COMMON_PASSWORDS);
            if (in == null) {
                throw new IllegalStateException("the common-password list " + COMMON_PASSWORDS + " is missing from the class path");
            }
            Set<String> set = new HashSet<>();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    String word = line.strip().toLowerCase(Locale.ROOT);
                    // Shorter ones are refused by the length rule before the list is asked.
                    if (word.length() >= MIN_CHARS) {
                        set.add(word);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the common-password list", e);
            }
            return Set.copyOf(set);
        }
    }

    /** One zxcvbn instance (its dictionaries take a moment to load); {@code measure} keeps no state. */
    private static final class Scorer {
        static final Zxcvbn ZXCVBN = new Zxcvbn();

        private Scorer() {}
    }
}
