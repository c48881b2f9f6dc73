package org.postern.mail.message;

import java.io.InputStream;
import java.time.Instant;
import java.util.Set;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.mail.directory.Recipient;
import org.postern.model.NotFoundException;
import org.postern.model.SpecialUse;
import org.postern.store.Mailbox;
import org.postern.store.MetadataStore;
import org.postern.store.StoredMessage;

/**
 * Puts a message for a resolved recipient into one of their special-use mailboxes (INBOX, or
 * Junk for quarantined mail). The scope is the recipient's own: delivery can reach nothing else.
 */
public final class LocalDelivery {
    private static final Caller DELIVERY = new Caller.System("local-delivery");

    private final MetadataStore store;
    private final AccessPolicy policy;
    private final MessageWriter writer;

    public LocalDelivery(MetadataStore store, AccessPolicy policy, MessageWriter writer) {
        this.store = store;
        this.policy = policy;
        this.writer = writer;
    }

    /**
     * Durable when it returns (see {@link MessageWriter#append}). The copy records the address the
     * recipient was accepted for ({@link Recipient#addressId()}), except in Sent, where the
     * recipient is the sender and no address of theirs received anything.
     */
    public StoredMessage deliver(Recipient recipient, SpecialUse target, InputStream raw, Instant internalDate,
            long maxBytes) {
        Scope scope = policy.userScope(DELIVERY, recipient.tenantId(), recipient.ownerId());
        Mailbox box = store.inReadTransaction(tx -> tx.mailboxes().bySpecialUse(scope, recipient.ownerId(), target))
                .orElseThrow(() -> new NotFoundException("recipient has no " + target + " mailbox"));
        return writer.append(scope, box, raw, Set.of(), internalDate, maxBytes,
                target == SpecialUse.SENT ? java.util.Optional.empty() : recipient.addressId());
    }

    /** Takes back a delivery that is part of a transaction that failed as a whole (soft delete). */
    public void withdraw(StoredMessage message, Instant at) {
        Scope scope = policy.userScope(DELIVERY, message.tenantId(), message.ownerId());
        store.inTransaction(tx -> tx.messages().markDeleted(scope, message.id(), at));
    }
}
