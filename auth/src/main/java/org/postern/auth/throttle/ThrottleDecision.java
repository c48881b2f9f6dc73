package org.postern.auth.throttle;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** What to do with a sign-in attempt before checking its credentials. */
public sealed interface ThrottleDecision {

    /** Go ahead. */
    record Allow() implements ThrottleDecision {}

    /**
     * Recent failures ask for a pause: the attempt may go ahead once {@code delay} has passed
     * (wait, then check the credentials; or answer "try again later").
     */
    record Delay(Duration delay) implements ThrottleDecision {
        public Delay {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative() || delay.isZero()) {
                throw new IllegalArgumentException("a delay must be positive");
            }
        }
    }

    /**
     * Refuse without checking the credentials (answer exactly as for a wrong password, and spend
     * the same time) until {@code until}.
     */
    record Locked(Instant until) implements ThrottleDecision {
        public Locked {
            Objects.requireNonNull(until, "until");
        }
    }
}
