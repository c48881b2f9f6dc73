package org.postern.auth.throttle;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.postern.store.identity.ThrottleState;

/**
 * The arithmetic of throttling, without storage or clock: from the counted failures of an
 * account-from-an-address key and of an address key, what to do now; and what a new failure
 * makes of a key's state.
 *
 * <p>A key's failures count until {@code window} passes without a new one, or until a lock it
 * earned has ended; either way the next failure starts a fresh count. Past {@code freeFailures},
 * each failure doubles the wait before the next attempt (from {@code baseDelay} up to
 * {@code maxDelay}), counted from the last failure. {@code lockAfter} failures lock the account
 * for that address, {@code ipLockAfter} lock the address for every account.
 */
final class ThrottleRules {
    private final ThrottlePolicy policy;

    ThrottleRules(ThrottlePolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    ThrottleDecision decide(Optional<ThrottleState> account, Optional<ThrottleState> ip, Instant now) {
        Optional<Instant> lock = later(activeLock(account, now), activeLock(ip, now));
        if (lock.isPresent()) {
            return new ThrottleDecision.Locked(lock.get());
        }
        if (account.isPresent() && !stale(account.get(), now)) {
            Duration delay = delayAfter(account.get().failures());
            Instant until = account.get().lastFailureAt().plus(delay);
            if (now.isBefore(until)) {
                return new ThrottleDecision.Delay(Duration.between(now, until));
            }
        }
        return new ThrottleDecision.Allow();
    }

    ThrottleState accountFailure(String key, Optional<ThrottleState> state, Instant now) {
        return failure(key, state, now, policy.lockAfter(), policy.lockFor());
    }

    ThrottleState ipFailure(String key, Optional<ThrottleState> state, Instant now) {
        return failure(key, state, now, policy.ipLockAfter(), policy.ipLockFor());
    }

    /** The wait after {@code failures} counted failures: zero up to {@code freeFailures}, then doubling. */
    Duration delayAfter(int failures) {
        if (failures <= policy.freeFailures()) {
            return Duration.ZERO;
        }
        Duration delay = policy.baseDelay();
        for (int i = policy.freeFailures() + 1; i < failures && delay.compareTo(policy.maxDelay()) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(policy.maxDelay()) > 0 ? policy.maxDelay() : delay;
    }

    /** How long a state can matter: after this much time without a failure it is forgotten. */
    Duration memory() {
        Duration longest = policy.window();
        for (Duration d : new Duration[] {policy.lockFor(), policy.ipLockFor()}) {
            if (d.compareTo(longest) > 0) {
                longest = d;
            }
        }
        return longest;
    }

    private ThrottleState failure(String key, Optional<ThrottleState> state, Instant now, int lockAfter, Duration lockFor) {
        boolean fresh = state.isEmpty() || stale(state.get(), now);
        int failures = fresh ? 1 : state.get().failures() == Integer.MAX_VALUE ? Integer.MAX_VALUE
                : Math.max(state.get().failures(), 0) + 1;
        Instant first = fresh ? now : state.get().firstFailureAt();
        Optional<Instant> lock = fresh ? Optional.empty() : state.get().lockedUntil().filter(now::isBefore);
        if (lock.isEmpty() && failures >= lockAfter) {
            lock = Optional.of(now.plus(lockFor));
        }
        return new ThrottleState(key, failures, first, now, lock);
    }

    /** A state no longer counts once its lock has ended, or (unlocked) once a window has passed since its last failure. */
    private boolean stale(ThrottleState state, Instant now) {
        if (state.lockedUntil().isPresent()) {
            return !now.isBefore(state.lockedUntil().get());
        }
        return !now.isBefore(state.lastFailureAt().plus(policy.window()));
    }

    private static Optional<Instant> activeLock(Optional<ThrottleState> state, Instant now) {
        return state.flatMap(ThrottleState::lockedUntil).filter(now::isBefore);
    }

    private static Optional<Instant> later(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return a.get().isAfter(b.get()) ? a : b;
    }
}
