package org.postern.store.identity;

import java.time.Instant;
import java.util.Optional;

/**
 * Failed sign-ins counted under one key: {@code ip:<address>} for a source address, or
 * {@code user:<id>|ip:<address>} for one account from one address. Only failures are counted; a
 * success clears the account key.
 */
public record ThrottleState(String key, int failures, Instant firstFailureAt, Instant lastFailureAt,
        Optional<Instant> lockedUntil) {
    public static final int MAX_KEY_CHARS = 200;
}
