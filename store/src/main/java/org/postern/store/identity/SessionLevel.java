package org.postern.store.identity;

/** What a session's access tokens may do. */
public enum SessionLevel {
    /** Everything the user's role allows. */
    FULL,
    /** Only enrol TOTP: an admin (or a user of a tenant that requires MFA) who has not enrolled yet. */
    ENROL_MFA,
    /** Only finish email verification: an invited account that has not verified its address yet. */
    VERIFY_EMAIL
}
