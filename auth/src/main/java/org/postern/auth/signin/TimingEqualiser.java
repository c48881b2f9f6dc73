package org.postern.auth.signin;

import org.postern.crypto.PasswordHasher;

/**
 * A password hash of nothing, checked when there is no real one to check (unknown login, locked
 * pair), so that those answers cost what a wrong password costs. Made on first use: command-line
 * verbs that never sign anyone in do not pay for an Argon2id hash at start.
 */
final class TimingEqualiser {
    private final PasswordHasher hasher;
    private volatile String hash;

    TimingEqualiser(PasswordHasher hasher) {
        this.hasher = hasher;
    }

    String hash() {
        String h = hash;
        if (h == null) {
            synchronized (this) {
                if (hash == null) {
                    hash = hasher.hash("postern-timing-equaliser".toCharArray());
                }
                h = hash;
            }
        }
        return h;
    }

    /** Spends the time of one password check; the answer is always false. */
    void spend(char[] secret) {
        hasher.verify(secret, hash());
    }
}
