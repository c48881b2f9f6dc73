package org.postern.auth.mfa;

import java.util.List;
import org.postern.auth.signin.TokenPair;

/** Enrolment done: ten single-use recovery codes (shown once) and a fresh full session. */
public record MfaConfirmed(List<String> recoveryCodes, TokenPair tokens) {
    public MfaConfirmed {
        recoveryCodes = List.copyOf(recoveryCodes);
    }

    @Override
    public String toString() {
        return "MfaConfirmed[" + tokens + "]";
    }
}
