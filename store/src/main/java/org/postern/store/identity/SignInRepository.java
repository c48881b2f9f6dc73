package org.postern.store.identity;

import java.time.Instant;
import java.util.Optional;
import org.postern.access.Scope;
import org.postern.model.UserId;

/**
 * Sign-in throttling (shared by every node through the database) and the history of successful sign-ins.
 * Throttle keys belong to no tenant, so every throttle method needs a server-wide scope
 * ({@link org.postern.model.AccessDeniedException} otherwise).
 */
public interface SignInRepository {
    Optional<ThrottleState> throttle(Scope scope, String key);

    /**
     * The state of {@code key}, locked until the transaction ends so that concurrent failures on
     * other nodes are counted one after the other, never lost. Empty when nothing is counted yet.
     */
    Optional<ThrottleState> throttleForUpdate(Scope scope, String key, Instant now);

    /** Inserts or replaces the state of {@code state.key()}. Needs a server-wide scope. */
    void saveThrottle(Scope scope, ThrottleState state);

    void clearThrottle(Scope scope, String key);

    /** Deletes throttle states whose last failure and lock are both before {@code before}. */
    int purgeThrottleBefore(Scope scope, Instant before);

    void recordSignIn(Scope scope, SignInRecord record);

    Optional<SignInRecord> lastSignIn(Scope scope, UserId user);

    /** Whether the user has signed in before from this device (hash) or this IP. */
    boolean seenDevice(Scope scope, UserId user, String deviceHash);

    boolean seenIp(Scope scope, UserId user, String ip);
}
