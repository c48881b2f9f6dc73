package org.postern.mail.directory;

import org.postern.model.InvalidInputException;

/** The rules a new password must meet. Length is what matters most (NIST SP 800-63B). */
public final class PasswordPolicy {
    public static final int MIN_CHARS = 12;
    // Argon2id takes any length, but an unbounded input is a cheap way to burn server CPU.
    public static final int MAX_CHARS = 1024;

    private PasswordPolicy() {}

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
    }
}
