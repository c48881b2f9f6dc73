package org.postern.store.identity;

/** What a one-time code proves. */
public enum CodePurpose {
    /** Sent to the address an invited user gave: proves they read it. */
    VERIFY_EMAIL,
    /** Sent to the verified recovery address: lets the user set a new password. */
    RECOVERY,
    /** Handed out after a correct password when a TOTP code is still needed (the second step). */
    MFA_CHALLENGE
}
