package org.postern.store.identity;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.postern.access.Scope;
import org.postern.model.UserId;

/** TOTP enrolments and single-use recovery codes. */
public interface MfaRepository {
    /**
     * Starts an enrolment, replacing an unconfirmed one.
     * @throws org.postern.model.ConflictException if the user has a confirmed enrolment
     * @throws org.postern.model.NotFoundException if the user is not in scope
     */
    void saveUnconfirmed(Scope scope, TotpEnrolment enrolment);

    Optional<TotpEnrolment> totp(Scope scope, UserId user);

    /** Confirms a pending enrolment with the step of its first code. @return false if none pending */
    boolean confirm(Scope scope, UserId user, Instant at, long step);

    /**
     * Accepts a code of {@code step} only if it is later than the last accepted step, atomically
     * (two sessions racing with one code: one wins). @return false for a replay or no enrolment
     */
    boolean useStep(Scope scope, UserId user, long step);

    /** Removes the enrolment and the recovery codes. @return false when there was neither */
    boolean delete(Scope scope, UserId user);

    /** Replaces all recovery codes of the user with these hashes. */
    void replaceRecoveryCodes(Scope scope, UserId user, List<byte[]> codeHashes, Instant at);

    /** Uses an unused recovery code, atomically. @return false if no such unused code */
    boolean useRecoveryCode(Scope scope, UserId user, byte[] codeHash, Instant at);

    int unusedRecoveryCodes(Scope scope, UserId user);
}
