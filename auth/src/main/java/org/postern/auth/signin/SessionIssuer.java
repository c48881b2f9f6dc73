package org.postern.auth.signin;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.postern.access.Scope;
import org.postern.auth.AuthSettings;
import org.postern.auth.secret.OpaqueSecrets;
import org.postern.auth.token.AccessTokens;
import org.postern.model.SessionId;
import org.postern.store.Repositories;
import org.postern.store.User;
import org.postern.store.identity.AccountSecurity;
import org.postern.store.identity.AuthSession;
import org.postern.store.identity.RefreshToken;
import org.postern.store.identity.SessionLevel;

/** Opens sessions and mints their tokens; decides the level a sign-in earns. */
public final class SessionIssuer {
    private final AccessTokens tokens;
    private final AuthSettings settings;
    private final Clock clock;

    public SessionIssuer(AccessTokens tokens, AuthSettings settings, Clock clock) {
        this.tokens = tokens;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * What a user who has proven every factor they have may do: finish verifying their address
     * first; then, one who must use MFA ({@link SecondFactor#mandatory}) but has no TOTP may only enrol.
     */
    public SessionLevel levelFor(Repositories tx, Scope scope, User user, boolean totpEnrolled) {
        AccountSecurity account = tx.securitySettings().account(scope, user.tenantId(), user.id());
        if (!account.emailVerified()) {
            return SessionLevel.VERIFY_EMAIL;
        }
        if (!totpEnrolled && SecondFactor.mandatory(tx, scope, user)) {
            return SessionLevel.ENROL_MFA;
        }
        return SessionLevel.FULL;
    }

    public TokenPair open(Repositories tx, Scope scope, User user, SessionLevel level, ClientInfo client) {
        Instant now = clock.instant();
        AuthSession session = new AuthSession(SessionId.random(), user.tenantId(), user.id(), level,
                client.userAgent(), client.ip(), now, now, now.plus(settings.sessionLifetime()), Optional.empty(),
                Optional.empty());
        tx.sessions().create(scope, session);
        return mint(tx, scope, session, user);
    }

    /** A new refresh token and access token for a live session (the old refresh token is already spent). */
    public TokenPair mint(Repositories tx, Scope scope, AuthSession session, User user) {
        Instant now = clock.instant();
        String refresh = OpaqueSecrets.refreshToken();
        Instant refreshExpires = min(now.plus(settings.refreshTokenLifetime()), session.expiresAt());
        tx.sessions().addRefreshToken(scope, new RefreshToken(OpaqueSecrets.hash(refresh), session.id(),
                user.tenantId(), user.id(), now, refreshExpires, Optional.empty()));
        String access = tokens.issue(user.id(), user.tenantId(), user.role(), session.id(), session.level());
        return new TokenPair(access, tokens.lifetime(), refresh, refreshExpires, session.id(), session.level());
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
