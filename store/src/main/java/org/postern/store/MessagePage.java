package org.postern.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.postern.model.AddressId;
import org.postern.model.MailboxId;
import org.postern.model.MessageId;
import org.postern.model.UserId;

/**
 * A bounded read of an owner's live messages in (internal date, id) order, the order the
 * envelope list and search page through: keyset paging, so a page costs the same however deep
 * it is and a message arriving meanwhile never shifts the next page.
 *
 * @param mailbox only this mailbox, or all of the owner's
 * @param deliveredTo only messages delivered to this address
 * @param since only messages whose internal date is at or after this
 * @param before only messages whose internal date is before this
 * @param descending newest first
 * @param after continue after this key (exclusive), in the order asked for
 * @param limit at most this many rows (1..10000)
 */
public record MessagePage(UserId owner, Optional<MailboxId> mailbox, Optional<AddressId> deliveredTo,
        Optional<Instant> since, Optional<Instant> before, boolean descending, Optional<Key> after, int limit) {

    public static final int MAX_LIMIT = 10_000;

    public MessagePage {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(deliveredTo, "deliveredTo");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit out of range: " + limit);
        }
    }

    /** A position in the order: a message's internal date and id. */
    public record Key(Instant internalDate, MessageId id) {
        public Key {
            Objects.requireNonNull(internalDate, "internalDate");
            Objects.requireNonNull(id, "id");
        }

        public static Key of(StoredMessage m) {
            return new Key(m.internalDate(), m.id());
        }
    }
}
