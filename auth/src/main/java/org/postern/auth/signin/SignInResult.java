package org.postern.auth.signin;

/**
 * The answer to a sign-in step. A wrong password, an unknown account, a disabled or locked one
 * all give {@link Refused}: the caller cannot tell them apart, by content or (within the
 * password hash's cost) by time.
 */
public sealed interface SignInResult {
    record SignedIn(TokenPair tokens) implements SignInResult {}

    /** The password was right; a TOTP or recovery code must follow, quoting this challenge. */
    record SecondFactorRequired(String challenge) implements SignInResult {
        @Override
        public String toString() {
            return "SecondFactorRequired[]";
        }
    }

    record Refused() implements SignInResult {}
}
