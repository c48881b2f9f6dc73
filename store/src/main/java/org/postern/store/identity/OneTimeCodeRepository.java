package org.postern.store.identity;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.postern.access.Scope;
import org.postern.model.UserId;

/** One-time codes for email verification, recovery and the MFA step of signing in. */
public interface OneTimeCodeRepository {
    /** Stores a new code, first voiding (marking used) the user's earlier unused codes of the same purpose. */
    void create(Scope scope, OneTimeCode code);

    /** The user's newest unused, unexpired code of this purpose. */
    Optional<OneTimeCode> latestUsable(Scope scope, UserId user, CodePurpose purpose, Instant now);

    /**
     * The newest code in scope with this purpose and hash, used or not. Two users can hold the same
     * short code: look short codes up in the user's scope (or hash them with the user id).
     */
    Optional<OneTimeCode> byHash(Scope scope, CodePurpose purpose, byte[] codeHash);

    /** Counts one wrong guess. @return the attempts now recorded (0 if not found) */
    int countAttempt(Scope scope, UUID id);

    /** Uses the code if it is unused and unexpired at {@code at}, atomically. */
    boolean markUsed(Scope scope, UUID id, Instant at);
}
