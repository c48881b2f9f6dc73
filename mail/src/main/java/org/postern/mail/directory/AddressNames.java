package org.postern.mail.directory;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * Local parts for new addresses that nobody can guess, drawn from a {@link SecureRandom}: an
 * address given to one correspondent must not let anyone find the user's other addresses.
 */
public final class AddressNames {
    /** Ten base32 characters: 50 bits. */
    public static final int RANDOM_CHARS = 10;
    private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
    private static final String CONSONANTS = "bdfghjklmnprstvz";
    private static final String VOWELS = "aeiou";
    /** Four consonant-vowel syllables (4 + 2.3 bits each) and three digits: about 35 bits. */
    private static final int SYLLABLES = 4;
    private static final int DIGITS = 3;

    private final SecureRandom random;

    public AddressNames(SecureRandom random) {
        this.random = random;
    }

    /** How a name is made: random base32, or syllables a person can read out. */
    public enum Style {
        RANDOM,
        PRONOUNCEABLE;

        /** "random" or "pronounceable". */
        public static Style parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "random" -> RANDOM;
                case "pronounceable" -> PRONOUNCEABLE;
                default -> throw new org.postern.model.InvalidInputException(
                        "generate must be random or pronounceable");
            };
        }
    }

    public String next(Style style) {
        return style == Style.RANDOM ? random() : pronounceable();
    }

    /** Such as {@code k3q7zd2mxa}. */
    public String random() {
        StringBuilder s = new StringBuilder(RANDOM_CHARS);
        for (int i = 0; i < RANDOM_CHARS; i++) {
            s.append(BASE32.charAt(random.nextInt(BASE32.length())));
        }
        return s.toString();
    }

    /** Such as {@code tovimaku482}: consonant-vowel syllables, then digits. */
    public String pronounceable() {
        StringBuilder s = new StringBuilder(SYLLABLES * 2 + DIGITS);
        for (int i = 0; i < SYLLABLES; i++) {
            s.append(CONSONANTS.charAt(random.nextInt(CONSONANTS.length())));
            s.append(VOWELS.charAt(random.nextInt(VOWELS.length())));
        }
        for (int i = 0; i < DIGITS; i++) {
            s.append((char) ('0' + random.nextInt(10)));
        }
        return s.toString();
    }
}
