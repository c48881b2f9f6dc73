package org.postern.server.e2e;

import java.time.Clock;
import org.postern.auth.totp.Totp;

/** The user's phone: computes TOTP codes from the base32 secret the server showed at enrolment. */
public final class Authenticator {
    private final byte[] secret;
    private final Totp totp = new Totp(Clock.systemUTC());

    public Authenticator(String base32Secret) {
        this.secret = base32(base32Secret);
    }

    public long step() {
        return totp.currentStep();
    }

    public String code(long step) {
        return totp.codeAt(secret, step);
    }

    public String now() {
        return code(step());
    }

    static byte[] base32(String text) {
        return Totp.fromBase32(text);
    }
}
