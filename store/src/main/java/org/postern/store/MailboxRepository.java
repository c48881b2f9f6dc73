package org.postern.store;

import java.time.Instant;
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

    /**
     * Gives a mailbox a new name; UIDVALIDITY, UIDs and messages stay.
     * @return the renamed mailbox, empty when it is not in scope
     * @throws org.postern.model.ConflictException if the owner has one of that name
     */
    Optional<Mailbox> rename(Scope scope, MailboxId id, String newName);

    /** @return false when the mailbox is not in scope */
    boolean setSubscribed(Scope scope, MailboxId id, boolean subscribed);

    /**
     * Deletes a mailbox: its live messages are soft-deleted at {@code at} (their rows and blobs stay
     * until purge) and the mailbox disappears from every lookup, its name and special use free for
     * reuse. UIDVALIDITY keeps increasing, so a new mailbox of the same name never reuses UIDs.
     * @return false when the mailbox is not in scope
     */
    boolean delete(Scope scope, MailboxId id, Instant at);
}
