package org.postern.auth.signin;

import java.time.Duration;
import java.time.Instant;
import org.postern.model.SessionId;
import org.postern.store.identity.SessionLevel;

/** What a successful sign-in or refresh hands to the client. Shown once; only hashes are kept. */
public record TokenPair(String accessToken, Duration accessTokenLifetime, String refreshToken,
        Instant refreshTokenExpiresAt, SessionId sessionId, SessionLevel level) {

    @Override
    public String toString() {
        return "TokenPair[" + sessionId + ", " + level + "]";
    }
}
