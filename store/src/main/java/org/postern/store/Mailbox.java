package org.postern.store;

import java.time.Instant;
import java.util.Optional;
import org.postern.model.MailboxId;
import org.postern.model.SpecialUse;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/**
 * A folder with the state IMAP synchronisation needs: UIDs are never reused within one
 * {@code uidValidity}; {@code highestModSeq} only grows.
 */
public record Mailbox(MailboxId id, TenantId tenantId, UserId ownerId, String name, Optional<SpecialUse> specialUse,
        long uidValidity, long uidNext, long highestModSeq, boolean subscribed, Instant createdAt) {}
