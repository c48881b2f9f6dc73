package org.postern.store.identity;

/** A secret a user makes for something that cannot do TOTP. */
public enum CredentialKind {
    /** Used as the password on IMAP and SMTP submission, instead of the account password. */
    APP_PASSWORD,
    /** A bearer token for scripts and services on the HTTP API. */
    API_TOKEN
}
