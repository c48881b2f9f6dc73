package org.postern.server.e2e;

import java.time.Clock;
import java.util.Locale;
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
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        String s = text.replace("=", "").toUpperCase(Locale.ROOT);
        byte[] out = new byte[s.length() * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int n = 0;
        for (char c : s.toCharArray()) {
            int v = alphabet.indexOf(c);
            if (v < 0) {
                throw new IllegalArgumentException("not base32: " + c);
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out[n++] = (byte) (buffer >> (bits - 8));
                bits -= 8;
            }
        }
        return out;
    }
}
