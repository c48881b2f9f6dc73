package org.postern.store.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.postern.access.Scope;
import org.postern.model.BlobId;
import org.postern.model.EmailAddress;
import org.postern.model.InvalidInputException;
import org.postern.model.NotFoundException;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.queue.OutboundQueueRepository;
import org.postern.store.queue.QueuedMessage;
import org.postern.store.queue.QueuedRecipient;
import org.postern.store.queue.RecipientState;

/** The outbound queue, owned by the sending user; claiming uses the dialect's skip-locked lease. */
final class SqlOutboundQueueRepository extends SqlRepository implements OutboundQueueRepository {
    static final int MAX_LIST = 500;
    static final int MAX_OFFSET = 1_000_000;
    static final int MAX_CLAIM = 500;
    static final int MAX_RECIPIENTS = 10_000;
    static final int MAX_REPLY_CHARS = 1000;
    static final int MAX_LEASE_OWNER_CHARS = 100;
    private static final String MESSAGE_COLUMNS =
            "id, tenant_id, owner_id, envelope_from, blob_id, size, created_at, expires_at";
    private static final String RECIPIENT_COLUMNS = "id, message_id, tenant_id, owner_id, recipient, state, attempts,"
            + " next_attempt_at, last_reply, delay_notified";

    SqlOutboundQueueRepository(Tx tx) {
        super(tx);
    }

    @Override
    public void enqueue(Scope scope, QueuedMessage message, List<QueuedRecipient> recipients) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(message, "message");
        if (recipients == null || recipients.isEmpty() || recipients.size() > MAX_RECIPIENTS) {
            throw new InvalidInputException("a queued message needs 1.." + MAX_RECIPIENTS + " recipients");
        }
        if (!scope.allowsOwner(message.tenantId(), message.ownerId())) {
            throw new NotFoundException("user not found");
        }
        for (QueuedRecipient r : recipients) {
            if (!r.messageId().equals(message.id()) || !r.tenantId().equals(message.tenantId())
                    || !r.ownerId().equals(message.ownerId())) {
                throw new InvalidInputException("a recipient belongs to another message");
            }
            r.lastReply().ifPresent(t -> Inputs.text(t, "last reply", MAX_REPLY_CHARS));
        }
        sql(scope, h -> {
            if (!SqlUserRepository.isUserOf(h, message.tenantId(), message.ownerId())) {
                throw new NotFoundException("user not found");
            }
            h.createUpdate("INSERT INTO outbound_messages (" + MESSAGE_COLUMNS + ") VALUES (:id, :tenantId, :ownerId,"
                            + " :from, :blobId, :size, :createdAt, :expiresAt)")
                    .bind("id", message.id().toString())
                    .bind("tenantId", message.tenantId().value().toString())
                    .bind("ownerId", message.ownerId().value().toString())
                    .bind("from", message.envelopeFrom().toString())
                    .bind("blobId", message.blobId().toString())
                    .bind("size", message.size())
                    .bind("createdAt", Rows.millis(message.createdAt()))
                    .bind("expiresAt", Rows.millis(message.expiresAt()))
                    .execute();
            var batch = h.prepareBatch("INSERT INTO outbound_recipients (" + RECIPIENT_COLUMNS + ", domain)"
                    + " VALUES (:id, :messageId, :tenantId, :ownerId, :recipient, :state, :attempts, :next, :reply,"
                    + " :notified, :domain)");
            for (QueuedRecipient r : recipients) {
                batch.bind("id", r.id().toString())
                        .bind("messageId", r.messageId().toString())
                        .bind("tenantId", r.tenantId().value().toString())
                        .bind("ownerId", r.ownerId().value().toString())
                        .bind("recipient", r.recipient().toString())
                        .bind("state", r.state().name())
                        .bind("attempts", r.attempts())
                        .bind("next", Rows.millis(r.nextAttemptAt()))
                        .bind("reply", r.lastReply().orElse(null))
                        .bind("notified", r.delayNotified())
                        .bind("domain", r.recipient().domain().ascii())
                        .add();
            }
            batch.execute();
            return null;
        });
    }

    @Override
    public List<QueuedRecipient> claimDue(Scope scope, Instant now, String leaseOwner, Instant leaseUntil, int limit) {
        Inputs.limit(limit, MAX_CLAIM);
        Inputs.text(leaseOwner, "lease owner", MAX_LEASE_OWNER_CHARS);
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        long nowMillis = Rows.millis(now);
        return sql(scope, h -> {
            List<QueuedRecipient> due = h.createQuery("SELECT " + RECIPIENT_COLUMNS + " FROM outbound_recipients"
                            + " WHERE state IN ('QUEUED', 'DEFERRED') AND next_attempt_at <= :now"
                            + " AND (lease_until IS NULL OR lease_until < :now)" + f.sql()
                            + " ORDER BY next_attempt_at, id LIMIT :limit" + tx.dialect().forUpdateSkipLocked())
                    .bind("now", nowMillis)
                    .bind("limit", limit)
                    .bindMap(f.params())
                    .map((rs, ctx) -> recipient(rs))
                    .list();
            for (QueuedRecipient r : due) {
                h.createUpdate("UPDATE outbound_recipients SET lease_owner = :owner, lease_until = :until WHERE id = :id")
                        .bind("owner", leaseOwner)
                        .bind("until", Rows.millis(leaseUntil))
                        .bind("id", r.id().toString())
                        .execute();
            }
            return due;
        });
    }

    @Override
    public boolean recordAttempt(Scope scope, QueuedRecipient updated, String leaseOwner) {
        Objects.requireNonNull(updated, "updated");
        Inputs.text(leaseOwner, "lease owner", MAX_LEASE_OWNER_CHARS);
        updated.lastReply().ifPresent(t -> Inputs.text(t, "last reply", MAX_REPLY_CHARS));
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createUpdate("UPDATE outbound_recipients SET state = :state, attempts = :attempts,"
                        + " next_attempt_at = :next, last_reply = :reply, delay_notified = :notified,"
                        + " lease_owner = NULL, lease_until = NULL WHERE id = :id AND lease_owner = :owner" + f.sql())
                .bind("state", updated.state().name())
                .bind("attempts", updated.attempts())
                .bind("next", Rows.millis(updated.nextAttemptAt()))
                .bind("reply", updated.lastReply().orElse(null))
                .bind("notified", updated.delayNotified())
                .bind("id", updated.id().toString())
                .bind("owner", leaseOwner)
                .bindMap(f.params())
                .execute() == 1);
    }

    @Override
    public int releaseLeases(Scope scope) {
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createUpdate("UPDATE outbound_recipients SET lease_owner = NULL, lease_until = NULL"
                        + " WHERE lease_owner IS NOT NULL" + f.sql())
                .bindMap(f.params())
                .execute());
    }

    @Override
    public Optional<QueuedMessage> message(Scope scope, UUID messageId) {
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + MESSAGE_COLUMNS + " FROM outbound_messages WHERE id = :id" + f.sql())
                .bind("id", Objects.requireNonNull(messageId, "messageId").toString())
                .bindMap(f.params())
                .map((rs, ctx) -> message(rs))
                .findOne());
    }

    @Override
    public List<QueuedRecipient> recipients(Scope scope, UUID messageId) {
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + RECIPIENT_COLUMNS + " FROM outbound_recipients"
                        + " WHERE message_id = :id" + f.sql() + " ORDER BY recipient, id")
                .bind("id", Objects.requireNonNull(messageId, "messageId").toString())
                .bindMap(f.params())
                .map((rs, ctx) -> recipient(rs))
                .list());
    }

    @Override
    public List<QueuedMessage> list(Scope scope, int limit, int offset) {
        Inputs.limit(limit, MAX_LIST);
        if (offset < 0 || offset > MAX_OFFSET) {
            throw new IllegalArgumentException("offset must be 0.." + MAX_OFFSET);
        }
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + MESSAGE_COLUMNS + " FROM outbound_messages WHERE 1 = 1" + f.sql()
                        + " ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset")
                .bind("limit", limit)
                .bind("offset", offset)
                .bindMap(f.params())
                .map((rs, ctx) -> message(rs))
                .list());
    }

    @Override
    public boolean retryNow(Scope scope, UUID messageId, Instant now) {
        if (message(scope, messageId).isEmpty()) {
            return false;
        }
        ScopeFilter f = ScopeFilter.owned(scope);
        sql(scope, h -> h.createUpdate("UPDATE outbound_recipients SET next_attempt_at = :now, lease_owner = NULL,"
                        + " lease_until = NULL WHERE message_id = :id AND state IN ('QUEUED', 'DEFERRED')" + f.sql())
                .bind("now", Rows.millis(now))
                .bind("id", messageId.toString())
                .bindMap(f.params())
                .execute());
        return true;
    }

    @Override
    public List<BlobId> blobIds(Scope scope) {
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT blob_id FROM outbound_messages WHERE 1 = 1" + f.sql())
                .bindMap(f.params())
                .map((rs, ctx) -> BlobId.parse(rs.getString("blob_id")))
                .list());
    }

    @Override
    public Optional<QueuedMessage> delete(Scope scope, UUID messageId) {
        Optional<QueuedMessage> found = message(scope, messageId);
        found.ifPresent(m -> sql(scope, h -> {
            h.createUpdate("DELETE FROM outbound_recipients WHERE message_id = :id").bind("id", m.id().toString())
                    .execute();
            return h.createUpdate("DELETE FROM outbound_messages WHERE id = :id").bind("id", m.id().toString())
                    .execute();
        }));
        return found;
    }

    private static QueuedMessage message(ResultSet rs) throws SQLException {
        return new QueuedMessage(Rows.uuid(rs, "id"), TenantId.parse(rs.getString("tenant_id")),
                UserId.parse(rs.getString("owner_id")), EmailAddress.parse(rs.getString("envelope_from")),
                BlobId.parse(rs.getString("blob_id")), rs.getLong("size"), Rows.instant(rs, "created_at"),
                Rows.instant(rs, "expires_at"));
    }

    private static QueuedRecipient recipient(ResultSet rs) throws SQLException {
        RecipientState state;
        try {
            state = RecipientState.valueOf(rs.getString("state"));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("unknown recipient state");
        }
        return new QueuedRecipient(Rows.uuid(rs, "id"), Rows.uuid(rs, "message_id"),
                TenantId.parse(rs.getString("tenant_id")), UserId.parse(rs.getString("owner_id")),
                EmailAddress.parse(rs.getString("recipient")), state, rs.getInt("attempts"),
                Rows.instant(rs, "next_attempt_at"), Optional.ofNullable(rs.getString("last_reply")),
                rs.getBoolean("delay_notified"));
    }
}
