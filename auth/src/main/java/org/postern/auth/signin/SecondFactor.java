package org.postern.auth.signin;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import org.postern.access.Scope;
import org.postern.auth.secret.OpaqueSecrets;
import org.postern.auth.totp.Totp;
import org.postern.mail.keys.FieldSealer;
import org.postern.store.Repositories;
import org.postern.store.User;
import org.postern.store.identity.TotpEnrolment;

/**
 * Checks a second factor: a TOTP code (six digits, each time step usable once) or one of the
 * user's single-use recovery codes. The TOTP seed is sealed under the user's data key, so it is
 * never on disk in clear and erasing the user's key destroys it too.
 */
public final class SecondFactor {
    static final String SEALED_FIELD = "totp-secret";

    private final FieldSealer sealer;
    private final Totp totp;

    public SecondFactor(FieldSealer sealer, Totp totp) {
        this.sealer = sealer;
        this.totp = totp;
    }

    public byte[] seal(Repositories tx, User user, byte[] secret) {
        return sealer.seal(tx, user.tenantId(), user.id(), SEALED_FIELD, user.id().toString(), secret);
    }

    public byte[] open(Repositories tx, User user, TotpEnrolment enrolment) {
        return sealer.open(tx, user.tenantId(), user.id(), SEALED_FIELD, user.id().toString(), enrolment.sealedSecret());
    }

    /** The step a TOTP code matches against a (possibly unconfirmed) enrolment, without using it up. */
    public OptionalLong matchingStep(Repositories tx, User user, TotpEnrolment enrolment, String code) {
        byte[] secret = open(tx, user, enrolment);
        try {
            return totp.matchingStep(secret, code);
        } finally {
            java.util.Arrays.fill(secret, (byte) 0);
        }
    }

    /**
     * The one rule for who must use a second factor: admins always, everyone in a tenant whose
     * policy requires it, and a user an admin has individually required it of. Sign-in (which
     * restricts such a user without TOTP to enrolling), protocol sign-in (app passwords only) and
     * turning MFA off all ask here.
     */
    public static boolean mandatory(Repositories tx, Scope scope, User user) {
        return user.role().isAdmin() || user.mfaRequired()
                || tx.securitySettings().tenant(scope, user.tenantId()).requireMfa();
    }

    /** Whether the user has a confirmed TOTP enrolment. */
    public boolean enrolled(Repositories tx, Scope scope, User user) {
        return tx.mfa().totp(scope, user.id()).map(TotpEnrolment::confirmed).orElse(false);
    }

    /**
     * True when {@code code} is a TOTP code of a step not used before (it is then used up) or an
     * unused recovery code (then spent). False for anything else, including a replayed code.
     */
    public boolean verifyAndUse(Repositories tx, Scope scope, User user, String code, Instant now) {
        if (code == null || code.length() > 64) {
            return false;
        }
        String trimmed = code.strip();
        Optional<TotpEnrolment> enrolment = tx.mfa().totp(scope, user.id()).filter(TotpEnrolment::confirmed);
        if (enrolment.isEmpty()) {
            return false;
        }
        if (trimmed.length() == 6 && trimmed.chars().allMatch(c -> c >= '0' && c <= '9')) {
            OptionalLong step = matchingStep(tx, user, enrolment.get(), trimmed);
            return step.isPresent() && tx.mfa().useStep(scope, user.id(), step.getAsLong());
        }
        return tx.mfa().useRecoveryCode(scope, user.id(), OpaqueSecrets.hashGrouped(trimmed), now);
    }
}
