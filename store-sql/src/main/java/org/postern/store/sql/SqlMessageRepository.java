package org.postern.store.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.postern.access.Scope;
import org.postern.model.BlobId;
import org.postern.model.ConflictException;
import org.postern.model.MailboxId;
import org.postern.model.MessageId;
import org.postern.model.NotFoundException;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.MessageRepository;
import org.postern.store.NewMessage;
import org.postern.store.StoredMessage;

/**
 * Message rows. UIDs and MODSEQs come from the mailbox row through one {@code UPDATE ... RETURNING},
 * which locks that row until the transaction ends: concurrent appends to one mailbox serialise
 * there, so UIDs are distinct and increase, and are never reused because UIDNEXT only grows.
 */
final class SqlMessageRepository extends SqlRepository implements MessageRepository {
    private static final String COLUMNS = "id, tenant_id, owner_id, mailbox_id, uid, modseq, flags, internal_date,"
            + " size, sealed_summary, blob_id, deleted_at";

    private record Allocation(long uid, long modSeq, TenantId tenant, UserId owner) {}

    SqlMessageRepository(Tx tx) {
        super(tx);
    }

    @Override
    public StoredMessage append(Scope scope, MailboxId mailbox, NewMessage message) {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(message.id(), "message id");
        Objects.requireNonNull(message.internalDate(), "internalDate");
        Objects.requireNonNull(message.blobId(), "blobId");
        String flags = Flags.encode(message.flags());
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        Allocation a = sql(h -> h.createQuery("UPDATE mailboxes SET uid_next = uid_next + 1,"
                        + " highest_modseq = highest_modseq + 1 WHERE id = :mailbox AND deleted_at IS NULL" + f.sql()
                        + " RETURNING uid_next - 1 AS uid, highest_modseq, tenant_id, owner_id")
                .bind("mailbox", mailbox.value().toString())
                .bindMap(f.params())
                .map((rs, ctx) -> new Allocation(rs.getLong("uid"), rs.getLong("highest_modseq"),
                        TenantId.parse(rs.getString("tenant_id")), UserId.parse(rs.getString("owner_id"))))
                .findOne())
                .orElseThrow(() -> new NotFoundException("mailbox not found"));
        if (a.uid() > SqlMailboxRepository.MAX_UINT32) {
            throw new ConflictException("mailbox has no UIDs left under its UIDVALIDITY");
        }
        StoredMessage stored = new StoredMessage(message.id(), a.tenant(), a.owner(), mailbox, a.uid(), a.modSeq(),
                message.flags(), Instant.ofEpochMilli(message.internalDate().toEpochMilli()), message.size(),
                Rows.copy(message.sealedSummary()), message.blobId(), Optional.empty());
        int inserted = sql(h -> h.createUpdate("INSERT INTO messages (id, tenant_id, owner_id, mailbox_id, uid, modseq,"
                        + " flags, internal_date, size, sealed_summary, blob_id)"
                        + " VALUES (:id, :tenantId, :ownerId, :mailboxId, :uid, :modseq, :flags, :internalDate, :size,"
                        + " :summary, :blobId) ON CONFLICT DO NOTHING")
                .bind("id", stored.id().value().toString())
                .bind("tenantId", a.tenant().value().toString())
                .bind("ownerId", a.owner().value().toString())
                .bind("mailboxId", mailbox.value().toString())
                .bind("uid", a.uid())
                .bind("modseq", a.modSeq())
                .bind("flags", flags)
                .bind("internalDate", Rows.millis(stored.internalDate()))
                .bind("size", stored.size())
                .bind("summary", stored.sealedSummary())
                .bind("blobId", stored.blobId().value().toString())
                .execute());
        if (inserted == 0) {
            throw new ConflictException("message id already exists");
        }
        return stored;
    }

    @Override
    public Optional<StoredMessage> byId(Scope scope, MessageId id) {
        Objects.requireNonNull(id, "id");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(h -> h.createQuery("SELECT " + COLUMNS + " FROM messages WHERE id = :id" + f.sql())
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    @Override
    public List<StoredMessage> list(Scope scope, MailboxId mailbox) {
        Objects.requireNonNull(mailbox, "mailbox");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(h -> h.createQuery("SELECT " + COLUMNS + " FROM messages WHERE mailbox_id = :mailbox"
                        + " AND deleted_at IS NULL" + f.sql() + " ORDER BY uid")
                .bind("mailbox", mailbox.value().toString())
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .list());
    }

    @Override
    public List<StoredMessage> listByOwner(Scope scope, UserId owner) {
        Objects.requireNonNull(owner, "owner");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(h -> h.createQuery("SELECT " + COLUMNS + " FROM messages WHERE owner_id = :owner" + f.sql()
                        + " ORDER BY mailbox_id, uid")
                .bind("owner", owner.value().toString())
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .list());
    }

    @Override
    public Optional<StoredMessage> setFlags(Scope scope, MessageId id, Set<String> flags) {
        Objects.requireNonNull(id, "id");
        String encoded = Flags.encode(Objects.requireNonNull(flags, "flags"));
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        Optional<Long> modSeq = nextModSeq(f, id);
        if (modSeq.isEmpty()) {
            return Optional.empty();
        }
        int updated = sql(h -> h.createUpdate("UPDATE messages SET flags = :flags, modseq = :modseq"
                        + " WHERE id = :id AND deleted_at IS NULL" + f.sql())
                .bind("flags", encoded)
                .bind("modseq", modSeq.get())
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .execute());
        return updated == 1 ? byId(scope, id) : Optional.empty();
    }

    /**
     * The mailbox row is locked (by taking the new MODSEQ) before the message row is compared, so
     * on PostgreSQL too the comparison sees every change committed before it; a refused change
     * leaves a gap in the MODSEQs, which only ever grow.
     */
    @Override
    public Optional<StoredMessage> setFlagsIfModSeq(Scope scope, MessageId id, Set<String> flags, long expectedModSeq) {
        Objects.requireNonNull(id, "id");
        String encoded = Flags.encode(Objects.requireNonNull(flags, "flags"));
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        Optional<Long> modSeq = nextModSeq(f, id);
        if (modSeq.isEmpty()) {
            return Optional.empty();
        }
        int updated = sql(h -> h.createUpdate("UPDATE messages SET flags = :flags, modseq = :modseq"
                        + " WHERE id = :id AND deleted_at IS NULL AND modseq = :expected" + f.sql())
                .bind("flags", encoded)
                .bind("modseq", modSeq.get())
                .bind("id", id.value().toString())
                .bind("expected", expectedModSeq)
                .bindMap(f.params())
                .execute());
        return updated == 1 ? byId(scope, id) : Optional.empty();
    }

    /** Soft delete; it also takes a new MODSEQ so that synchronising clients learn of the change. */
    @Override
    public boolean markDeleted(Scope scope, MessageId id, Instant at) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(at, "at");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        Optional<Long> modSeq = nextModSeq(f, id);
        if (modSeq.isEmpty()) {
            return false;
        }
        return sql(h -> h.createUpdate("UPDATE messages SET deleted_at = :at, modseq = :modseq"
                        + " WHERE id = :id AND deleted_at IS NULL" + f.sql())
                .bind("at", Rows.millis(at))
                .bind("modseq", modSeq.get())
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .execute()) == 1;
    }

    @Override
    public List<Expunged> expunged(Scope scope, MailboxId mailbox) {
        Objects.requireNonNull(mailbox, "mailbox");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(h -> h.createQuery("SELECT uid, modseq FROM messages WHERE mailbox_id = :mailbox"
                        + " AND deleted_at IS NOT NULL" + f.sql() + " ORDER BY uid")
                .bind("mailbox", mailbox.value().toString())
                .bindMap(f.params())
                .map((rs, ctx) -> new Expunged(rs.getLong("uid"), rs.getLong("modseq")))
                .list());
    }

    @Override
    public long liveBytes(Scope scope, UserId owner) {
        Objects.requireNonNull(owner, "owner");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(h -> h.createQuery("SELECT COALESCE(SUM(size), 0) FROM messages WHERE owner_id = :owner"
                        + " AND deleted_at IS NULL" + f.sql())
                .bind("owner", owner.value().toString())
                .bindMap(f.params())
                .mapTo(Long.class)
                .one());
    }

    @Override
    public List<StoredMessage> deletedBefore(Scope scope, Instant before) {
        Objects.requireNonNull(before, "before");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(h -> h.createQuery("SELECT " + COLUMNS + " FROM messages WHERE deleted_at IS NOT NULL"
                        + " AND deleted_at < :before" + f.sql() + " ORDER BY deleted_at, id")
                .bind("before", Rows.millis(before))
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .list());
    }

    @Override
    public boolean purge(Scope scope, MessageId id) {
        Objects.requireNonNull(id, "id");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(h -> h.createUpdate("DELETE FROM messages WHERE id = :id" + f.sql())
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .execute()) == 1;
    }

    /**
     * Advances HIGHESTMODSEQ of the mailbox holding live message {@code id} (both in scope) and
     * returns the new value; the mailbox row stays locked until the transaction ends.
     */
    private Optional<Long> nextModSeq(ScopeFilter f, MessageId id) {
        return sql(h -> h.createQuery("UPDATE mailboxes SET highest_modseq = highest_modseq + 1"
                        + " WHERE id = (SELECT mailbox_id FROM messages WHERE id = :id AND deleted_at IS NULL" + f.sql() + ")"
                        + f.sql() + " RETURNING highest_modseq")
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .mapTo(Long.class)
                .findOne());
    }

    private static StoredMessage map(ResultSet rs) throws SQLException {
        return new StoredMessage(MessageId.parse(rs.getString("id")), TenantId.parse(rs.getString("tenant_id")),
                UserId.parse(rs.getString("owner_id")), MailboxId.parse(rs.getString("mailbox_id")), rs.getLong("uid"),
                rs.getLong("modseq"), Flags.decode(rs.getString("flags")), Rows.instant(rs, "internal_date"),
                rs.getLong("size"), rs.getBytes("sealed_summary"), BlobId.parse(rs.getString("blob_id")),
                Rows.optionalInstant(rs, "deleted_at"));
    }
}
