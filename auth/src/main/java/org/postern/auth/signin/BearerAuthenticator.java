package org.postern.auth.signin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.auth.secret.OpaqueSecrets;
import org.postern.auth.token.AccessClaims;
import org.postern.auth.token.AccessTokens;
import org.postern.model.AccessDeniedException;
import org.postern.model.CredentialId;
import org.postern.store.MetadataStore;
import org.postern.store.User;
import org.postern.store.identity.Credential;
import org.postern.store.identity.CredentialKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an HTTP bearer credential into a {@link Principal}: either a signed access token (checked
 * for signature, issuer, audience, expiry, and then for its session still being live) or an API
 * token ({@code pst_...}, compared by hash in constant time).
 *
 * <p>SECURITY: sees every request's Authorization header. Anything not provably valid is refused
 * with one generic {@link AccessDeniedException}; the reason goes to the security log only.
 */
public final class BearerAuthenticator {
    private static final Logger SECURITY = LoggerFactory.getLogger("postern.security");
    /** Last-used times are written at most this often per token, so a busy script does not write on every call. */
    private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);
    private static final int MAX_TOKEN_CHARS = 4096;

    private final MetadataStore store;
    private final Scope system;
    private final AccessTokens tokens;
    private final SessionStatus sessions;
    private final Clock clock;

    public BearerAuthenticator(MetadataStore store, AccessPolicy policy, AccessTokens tokens, SessionStatus sessions,
            Clock clock) {
        this.store = store;
        this.system = policy.scopeFor(new Caller.System("bearer"));
        this.tokens = tokens;
        this.sessions = sessions;
        this.clock = clock;
    }

    public Principal authenticate(String bearer) {
        if (bearer == null || bearer.isEmpty() || bearer.length() > MAX_TOKEN_CHARS) {
            throw refused("malformed");
        }
        if (bearer.startsWith("pst_")) {
            return apiToken(bearer);
        }
        AccessClaims claims;
        try {
            claims = tokens.verify(bearer);
        } catch (AccessDeniedException e) {
            throw refused(e.getMessage());
        }
        if (!sessions.active(claims.sessionId(), claims.userId())) {
            throw refused("session ended");
        }
        return Principal.ofSession(new Caller.User(claims.tenantId(), claims.userId(), claims.role()), claims.level(),
                claims.sessionId());
    }

    private Principal apiToken(String token) {
        Optional<CredentialId> id = OpaqueSecrets.apiTokenId(token);
        if (id.isEmpty()) {
            throw refused("malformed api token");
        }
        Instant now = clock.instant();
        byte[] presented = OpaqueSecrets.hash(token);
        Optional<Principal> principal = store.inTransaction(tx -> {
            Optional<Credential> found = tx.credentials().byId(system, id.get())
                    .filter(c -> c.kind() == CredentialKind.API_TOKEN && c.usableAt(now))
                    .filter(c -> OpaqueSecrets.matches(presented, c.secretHash()));
            if (found.isEmpty()) {
                return Optional.empty();
            }
            Credential c = found.get();
            Optional<User> user = tx.users().byId(system, c.userId()).filter(u -> !u.disabled());
            if (user.isEmpty()) {
                return Optional.empty();
            }
            if (c.lastUsedAt().map(t -> t.plus(TOUCH_INTERVAL).isBefore(now)).orElse(true)) {
                tx.credentials().touch(system, c.id(), now);
            }
            User u = user.get();
            return Optional.of(Principal.ofApiToken(new Caller.User(u.tenantId(), u.id(), u.role()), c.id(), c.scopes()));
        });
        return principal.orElseThrow(() -> refused("api token unknown, revoked or expired"));
    }

    private static AccessDeniedException refused(String reason) {
        SECURITY.info("event=bearer.refused reason={}", reason);
        return new AccessDeniedException("not signed in");
    }
}
