package org.postern.store.identity;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.postern.access.Scope;
import org.postern.model.SessionId;
import org.postern.model.UserId;

/** Sign-in sessions and their refresh tokens. */
public interface SessionRepository {
    /** @throws org.postern.model.NotFoundException if the user is not in scope */
    void create(Scope scope, AuthSession session);

    Optional<AuthSession> byId(Scope scope, SessionId id);

    /** The user's sessions that are neither revoked nor expired at {@code now}, newest first. */
    List<AuthSession> listActive(Scope scope, UserId user, Instant now);

    /** Records activity (refresh) from {@code ip}. @return false when not in scope */
    boolean touch(Scope scope, SessionId id, Instant at, String ip);

    /** Revokes one session if still active. @return false when not in scope or already revoked */
    boolean revoke(Scope scope, SessionId id, Instant at, String reason);

    /** Revokes every active session of the user. @return how many were revoked */
    int revokeAllOf(Scope scope, UserId user, Instant at, String reason);

    /**
     * Stores a new refresh token of the session (only its hash).
     * @throws org.postern.model.NotFoundException if the session is not in scope, is not the token's
     *     user's, or was revoked: a revoked family gets no new token
     */
    void addRefreshToken(Scope scope, RefreshToken token);

    Optional<RefreshToken> refreshTokenByHash(Scope scope, byte[] tokenHash);

    /**
     * Marks the token used, atomically: of two concurrent exchanges of one token only one gets
     * true. @return false when it was already used (or is not in scope)
     */
    boolean markRefreshTokenUsed(Scope scope, byte[] tokenHash, Instant at);

    /** Deletes sessions (and their tokens) that expired or were revoked before {@code before}. */
    int purgeEndedBefore(Scope scope, Instant before);
}
