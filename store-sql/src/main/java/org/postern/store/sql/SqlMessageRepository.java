package org.postern.store.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.postern.access.Scope;
import org.postern.model.AddressId;
import org.postern.model.BlobId;
import org.postern.model.ConflictException;
import org.postern.model.MailboxId;
import org.postern.model.MessageId;
import org.postern.model.NotFoundException;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.MessagePage;
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
            + " size, sealed_summary, blob_id, deleted_at, delivered_to";

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
        Allocation a = sql(scope, h -> h.createQuery("UPDATE mailboxes SET uid_next = uid_next + 1,"
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
                Rows.copy(message.sealedSummary()), message.blobId(), Optional.empty(), message.deliveredTo());
        int inserted = sql(scope, h -> h.createUpdate("INSERT INTO messages (id, tenant_id, owner_id, mailbox_id, uid, modseq,"
                        + " flags, internal_date, size, sealed_summary, blob_id, delivered_to)"
                        + " VALUES (:id, :tenantId, :ownerId, :mailboxId, :uid, :modseq, :flags, :internalDate, :size,"
                        + " :summary, :blobId, :deliveredTo) ON CONFLICT DO NOTHING")
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
                .bind("deliveredTo", message.deliveredTo().map(d -> d.value().toString()).orElse(null))
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
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM messages WHERE id = :id" + f.sql())
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    @Override
    public List<StoredMessage> list(Scope scope, MailboxId mailbox) {
        Objects.requireNonNull(mailbox, "mailbox");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM messages WHERE mailbox_id = :mailbox"
                        + " AND deleted_at IS NULL" + f.sql() + " ORDER BY uid")
                .bind("mailbox", mailbox.value().toString())
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .list());
    }

    @Override
    public List<StoredMessage> changedSince(Scope scope, MailboxId mailbox, long modSeq) {
        Objects.requireNonNull(mailbox, "mailbox");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM messages WHERE mailbox_id = :mailbox"
                        + " AND modseq > :modseq" + f.sql() + " ORDER BY uid")
                .bind("mailbox", mailbox.value().toString())
                .bind("modseq", modSeq)
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .list());
    }

    @Override
    public List<StoredMessage> page(Scope scope, MessagePage page) {
        Objects.requireNonNull(page, "page");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        StringBuilder where = new StringBuilder(" WHERE owner_id = :owner AND deleted_at IS NULL");
        page.mailbox().ifPresent(m -> where.append(" AND mailbox_id = :mailbox"));
        page.deliveredTo().ifPresent(a -> where.append(" AND delivered_to = :deliveredTo"));
        page.since().ifPresent(t -> where.append(" AND internal_date >= :since"));
        page.before().ifPresent(t -> where.append(" AND internal_date < :before"));
        String cmp = page.descending() ? "<" : ">";
        page.after().ifPresent(k -> where.append(" AND (internal_date ").append(cmp).append(" :afterDate"
                + " OR (internal_date = :afterDate AND id ").append(cmp).append(" :afterId))"));
        String dir = page.descending() ? " DESC" : " ASC";
        return sql(scope, h -> {
            var q = h.createQuery("SELECT " + COLUMNS + " FROM messages" + where + f.sql()
                    + " ORDER BY internal_date" + dir + ", id" + dir + " LIMIT :limit");
            q.bind("owner", page.owner().value().toString());
            page.mailbox().ifPresent(m -> q.bind("mailbox", m.value().toString()));
            page.deliveredTo().ifPresent(a -> q.bind("deliveredTo", a.value().toString()));
            page.since().ifPresent(t -> q.bind("since", Rows.millis(t)));
            page.before().ifPresent(t -> q.bind("before", Rows.millis(t)));
            page.after().ifPresent(k -> q.bind("afterDate", Rows.millis(k.internalDate()))
                    .bind("afterId", k.id().value().toString()));
            return q.bind("limit", page.limit()).bindMap(f.params()).map((rs, ctx) -> map(rs)).list();
        });
    }

    /**
     * Flags are one sorted, space-separated column, so {@code \Seen} is matched as a word of it;
     * '!' escapes LIKE on both backends (PostgreSQL's default escape is the backslash itself).
     */
    @Override
    public List<MailboxCount> countByMailbox(Scope scope, UserId owner) {
        Objects.requireNonNull(owner, "owner");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT mailbox_id, COUNT(*) AS total,"
                        + " SUM(CASE WHEN (' ' || flags || ' ') LIKE :seen ESCAPE '!' THEN 0 ELSE 1 END) AS unseen"
                        + " FROM messages WHERE owner_id = :owner AND deleted_at IS NULL" + f.sql()
                        + " GROUP BY mailbox_id")
                .bind("owner", owner.value().toString())
                .bind("seen", "% \\Seen %")
                .bindMap(f.params())
                .map((rs, ctx) -> new MailboxCount(MailboxId.parse(rs.getString("mailbox_id")), rs.getLong("total"),
                        rs.getLong("unseen")))
                .list());
    }

    @Override
    public List<AddressCount> countByAddress(Scope scope, UserId owner) {
        Objects.requireNonNull(owner, "owner");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT delivered_to, COUNT(*) AS received, MAX(internal_date) AS last_received"
                        + " FROM messages WHERE owner_id = :owner AND delivered_to IS NOT NULL AND deleted_at IS NULL"
                        + f.sql() + " GROUP BY delivered_to")
                .bind("owner", owner.value().toString())
                .bindMap(f.params())
                .map((rs, ctx) -> new AddressCount(AddressId.parse(rs.getString("delivered_to")), rs.getLong("received"),
                        Rows.instant(rs, "last_received")))
                .list());
    }

    @Override
    public List<StoredMessage> listByOwner(Scope scope, UserId owner) {
        Objects.requireNonNull(owner, "owner");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM messages WHERE owner_id = :owner" + f.sql()
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
        Optional<Long> modSeq = nextModSeq(scope, f, id);
        if (modSeq.isEmpty()) {
            return Optional.empty();
        }
        int updated = sql(scope, h -> h.createUpdate("UPDATE messages SET flags = :flags, modseq = :modseq"
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
        Optional<Long> modSeq = nextModSeq(scope, f, id);
        if (modSeq.isEmpty()) {
            return Optional.empty();
        }
        int updated = sql(scope, h -> h.createUpdate("UPDATE messages SET flags = :flags, modseq = :modseq"
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
        Optional<Long> modSeq = nextModSeq(scope, f, id);
        if (modSeq.isEmpty()) {
            return false;
        }
        return sql(scope, h -> h.createUpdate("UPDATE messages SET deleted_at = :at, modseq = :modseq"
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
        return sql(scope, h -> h.createQuery("SELECT uid, modseq FROM messages WHERE mailbox_id = :mailbox"
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
        return sql(scope, h -> h.createQuery("SELECT COALESCE(SUM(size), 0) FROM messages WHERE owner_id = :owner"
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
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM messages WHERE deleted_at IS NOT NULL"
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
        return sql(scope, h -> h.createUpdate("DELETE FROM messages WHERE id = :id" + f.sql())
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .execute()) == 1;
    }

    /**
     * Advances HIGHESTMODSEQ of the mailbox holding live message {@code id} (both in scope) and
     * returns the new value; the mailbox row stays locked until the transaction ends.
     */
    private Optional<Long> nextModSeq(Scope scope, ScopeFilter f, MessageId id) {
        return sql(scope, h -> h.createQuery("UPDATE mailboxes SET highest_modseq = highest_modseq + 1"
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
                Rows.optionalInstant(rs, "deleted_at"),
                Optional.ofNullable(rs.getString("delivered_to")).map(AddressId::parse));
    }
}
