package org.postern.store;

import java.util.List;
import java.util.Optional;
import org.postern.access.Scope;
import org.postern.model.MailboxId;
import org.postern.model.SpecialUse;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/** Users' mailboxes. Names are unique per user. */
public interface MailboxRepository {
    /**
     * Creates a mailbox with a fresh UIDVALIDITY, UIDNEXT 1 and HIGHESTMODSEQ 1.
     * @throws org.postern.model.ConflictException if the owner has one of that name
     */
    Mailbox create(Scope scope, TenantId tenant, UserId owner, String name, Optional<SpecialUse> specialUse);

    Optional<Mailbox> byId(Scope scope, MailboxId id);

    Optional<Mailbox> byName(Scope scope, UserId owner, String name);

    Optional<Mailbox> bySpecialUse(Scope scope, UserId owner, SpecialUse use);

    List<Mailbox> list(Scope scope, UserId owner);
}
