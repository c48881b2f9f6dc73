package org.postern.store.identity;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.postern.access.Scope;
import org.postern.model.InviteId;
import org.postern.model.TenantId;

/** Invitations. A tenant scope sees its tenant's; a user scope sees none. */
public interface InviteRepository {
    void create(Scope scope, Invite invite);

    Optional<Invite> byTokenHash(Scope scope, byte[] tokenHash);

    /** Uses the invite if it is unused and unexpired at {@code at}, atomically. */
    boolean markUsed(Scope scope, InviteId id, Instant at);

    List<Invite> list(Scope scope, TenantId tenant);
}
