package org.postern.store.identity;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.postern.access.Scope;
import org.postern.model.CredentialId;
import org.postern.model.UserId;

/** App passwords and API tokens. */
public interface CredentialRepository {
    /** @throws org.postern.model.NotFoundException if the user is not in scope */
    void create(Scope scope, Credential credential);

    Optional<Credential> byId(Scope scope, CredentialId id);

    /** The user's credentials of this kind that are not revoked (expired ones included), newest first. */
    List<Credential> listUnrevoked(Scope scope, UserId user, CredentialKind kind);

    /** @return false when not in scope or already revoked */
    boolean revoke(Scope scope, CredentialId id, Instant at);

    /** Revokes all of the user's credentials. @return how many */
    int revokeAllOf(Scope scope, UserId user, Instant at);

    /** Records a successful use. */
    void touch(Scope scope, CredentialId id, Instant at);
}
