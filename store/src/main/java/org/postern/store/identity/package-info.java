/**
 * Storage for identity and access: sign-in sessions and their refresh tokens, app passwords and
 * API tokens, TOTP enrolments and recovery codes, invitations, one-time codes, sign-in throttling
 * and history, per-account and per-tenant security settings, the hash-chained audit log and the
 * sealed local outbox. Secrets are never stored: tokens, codes and app passwords are kept as
 * SHA-256 hashes (they are random and long, so a slow hash adds nothing; a store refuses any other
 * length), TOTP seeds and outbox messages only sealed by the caller. Every method takes a
 * {@link org.postern.access.Scope}.
 */
package org.postern.store.identity;
