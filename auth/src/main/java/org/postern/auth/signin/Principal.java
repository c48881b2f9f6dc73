package org.postern.auth.signin;

import java.util.Optional;
import java.util.Set;
import org.postern.access.Caller;
import org.postern.model.AccessDeniedException;
import org.postern.model.CredentialId;
import org.postern.model.SessionId;
import org.postern.store.identity.SessionLevel;

/**
 * An authenticated request's identity: the {@link Caller} the access policy judges, and how it
 * was proven. A session's access token carries all the user's powers at {@code level}; an API
 * token only its {@code apiScopes}.
 */
public record Principal(Caller.User caller, SessionLevel level, Optional<SessionId> session,
        Optional<CredentialId> apiToken, Set<String> apiScopes) {

    public Principal {
        apiScopes = Set.copyOf(apiScopes);
    }

    public static Principal ofSession(Caller.User caller, SessionLevel level, SessionId session) {
        return new Principal(caller, level, Optional.of(session), Optional.empty(), Set.of());
    }

    public static Principal ofApiToken(Caller.User caller, CredentialId token, Set<String> scopes) {
        return new Principal(caller, SessionLevel.FULL, Optional.empty(), Optional.of(token), scopes);
    }

    /** Refuses anything but a fully signed-in session (not an API token, not a restricted session). */
    public void requireFullSession() {
        if (session.isEmpty() || level != SessionLevel.FULL) {
            throw new AccessDeniedException("this needs a full sign-in session");
        }
    }

    /** Refuses unless this is a session at {@code allowed} or at FULL. */
    public void requireSessionAt(SessionLevel allowed) {
        if (session.isEmpty() || (level != SessionLevel.FULL && level != allowed)) {
            throw new AccessDeniedException("this needs a sign-in session");
        }
    }

    /** Refuses an API token without {@code scope}, and any restricted session. */
    public void requireApiScope(String scope) {
        if (level != SessionLevel.FULL || (apiToken.isPresent() && !apiScopes.contains(scope))) {
            throw new AccessDeniedException("token lacks scope " + scope);
        }
    }
}
