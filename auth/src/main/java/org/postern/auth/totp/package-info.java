/**
 * TOTP second factor (RFC 6238).
 *
 * <p>SECURITY: exposed to codes typed by whoever holds a user's password (anything at all: it
 * accepts exactly six ASCII digits and answers empty to the rest, never an exception) and to
 * the user's decrypted TOTP secret, which the caller opens just before and wipes just after.
 * Codes are compared in constant time. Replay (the same step twice) and guess throttling are
 * the caller's: {@code matchingStep} returns the step so it can be recorded.
 */
package org.postern.auth.totp;
