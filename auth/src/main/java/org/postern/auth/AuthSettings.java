package org.postern.auth;

import java.time.Duration;
import java.util.Objects;

/**
 * The identity service's tunables, from the server's configuration.
 *
 * @param issuer the {@code iss} of access tokens (the server's public name)
 * @param audience the {@code aud} of access tokens
 * @param accessTokenLifetime how long an access token is good for; revocation is checked on top
 * @param refreshTokenLifetime how long one refresh token is good for (each use gives a new one)
 * @param sessionLifetime how long a session lasts at most, however often it is refreshed
 * @param sessionStatusMaxAge how stale a node's knowledge of "this session is still active" may be:
 *     the bound on how long a revoked session's access tokens keep working elsewhere (at most 60 s)
 * @param inviteLifetime how long an invitation can be accepted
 * @param emailCodeLifetime how long a verification or recovery code is good for
 * @param mfaChallengeLifetime how long the second sign-in step may wait after the password
 * @param maxCodeAttempts wrong guesses after which a code or challenge is void
 * @param maxTravelKmh faster than this between two sign-ins is "impossible travel"
 */
public record AuthSettings(String issuer, String audience, Duration accessTokenLifetime, Duration refreshTokenLifetime,
        Duration sessionLifetime, Duration sessionStatusMaxAge, Duration inviteLifetime, Duration emailCodeLifetime,
        Duration mfaChallengeLifetime, int maxCodeAttempts, double maxTravelKmh) {
    public static final Duration MAX_SESSION_STATUS_AGE = Duration.ofSeconds(60);

    public AuthSettings {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        positive(accessTokenLifetime, "accessTokenLifetime");
        positive(refreshTokenLifetime, "refreshTokenLifetime");
        positive(sessionLifetime, "sessionLifetime");
        positive(sessionStatusMaxAge, "sessionStatusMaxAge");
        positive(inviteLifetime, "inviteLifetime");
        positive(emailCodeLifetime, "emailCodeLifetime");
        positive(mfaChallengeLifetime, "mfaChallengeLifetime");
        if (sessionStatusMaxAge.compareTo(MAX_SESSION_STATUS_AGE) > 0) {
            throw new IllegalArgumentException("sessionStatusMaxAge must be at most 60 s: revocation must take effect within a minute");
        }
        if (maxCodeAttempts < 1 || maxCodeAttempts > 20) {
            throw new IllegalArgumentException("maxCodeAttempts must be 1..20");
        }
        if (!(maxTravelKmh > 0)) {
            throw new IllegalArgumentException("maxTravelKmh must be positive");
        }
    }

    /** The defaults: 15-minute access tokens, 7-day refresh tokens, 30-day sessions, 30 s revocation lag. */
    public static AuthSettings defaults(String issuer) {
        return new AuthSettings(issuer, "postern", Duration.ofMinutes(15), Duration.ofDays(7), Duration.ofDays(30),
                Duration.ofSeconds(30), Duration.ofDays(7), Duration.ofMinutes(15), Duration.ofMinutes(5), 5, 900.0);
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
