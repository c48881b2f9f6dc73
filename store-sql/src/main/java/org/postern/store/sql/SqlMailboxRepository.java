package org.postern.store.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.postern.access.Scope;
import org.postern.model.ConflictException;
import org.postern.model.MailboxId;
import org.postern.model.NotFoundException;
import org.postern.model.SpecialUse;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.Mailbox;
import org.postern.store.MailboxRepository;

final class SqlMailboxRepository extends SqlRepository implements MailboxRepository {
    static final int MAX_NAME_CHARS = 1000;
    /** UIDVALIDITY, UID and UIDNEXT are unsigned 32-bit numbers in IMAP. */
    static final long MAX_UINT32 = 0xFFFF_FFFFL;
    private static final String COLUMNS = "id, tenant_id, owner_id, name, special_use, uid_validity, uid_next,"
            + " highest_modseq, subscribed, created_at";

    /** Deleted mailboxes keep their row (soft-deleted messages refer to it) but are never found. */
    private static final String LIVE = " AND deleted_at IS NULL";
    /** A deleted mailbox's name: starts with a control character, which no IMAP name may hold. */
    private static final String TOMBSTONE_PREFIX = "\u0001deleted ";

    SqlMailboxRepository(Tx tx) {
        super(tx);
    }

    @Override
    public Mailbox create(Scope scope, TenantId tenant, UserId owner, String name, Optional<SpecialUse> specialUse) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(specialUse, "specialUse");
        Inputs.text(name, "mailbox name", MAX_NAME_CHARS);
        if (!scope.allowsOwner(tenant, owner)) {
            throw new NotFoundException("owner not found");
        }
        var createdAt = tx.now();
        long nowSeconds = createdAt.getEpochSecond();
        // UIDVALIDITY: epoch seconds, or one more than the owner's last if that is not smaller. The
        // counter lives on the user row, so it is allocated atomically (the UPDATE locks the row)
        // and keeps increasing even after a mailbox is deleted and its name reused. Matching on
        // tenant as well as id also proves the owner belongs to the tenant.
        ScopeFilter f = ScopeFilter.users(scope);
        Optional<Long> uidValidity = sql(scope, h -> h.createQuery("UPDATE users SET last_uid_validity = CASE"
                        + " WHEN last_uid_validity >= :now THEN last_uid_validity + 1 ELSE :now END"
                        + " WHERE id = :owner AND tenant_id = :tenant" + f.sql() + " RETURNING last_uid_validity")
                .bind("now", nowSeconds)
                .bind("owner", owner.value().toString())
                .bind("tenant", tenant.value().toString())
                .bindMap(f.params())
                .mapTo(Long.class)
                .findOne());
        if (uidValidity.isEmpty()) {
            throw new NotFoundException("owner not found");
        }
        if (uidValidity.get() > MAX_UINT32) {
            throw new ConflictException("no UIDVALIDITY values left for this owner");
        }
        Mailbox mailbox = new Mailbox(MailboxId.random(), tenant, owner, name, specialUse, uidValidity.get(), 1, 1,
                true, createdAt);
        int inserted = sql(scope, h -> h.createUpdate("INSERT INTO mailboxes (id, tenant_id, owner_id, name, special_use,"
                        + " uid_validity, uid_next, highest_modseq, subscribed, created_at)"
                        + " VALUES (:id, :tenantId, :ownerId, :name, :specialUse, :uidValidity, 1, 1, :subscribed, :createdAt)"
                        + " ON CONFLICT DO NOTHING")
                .bind("id", mailbox.id().value().toString())
                .bind("tenantId", tenant.value().toString())
                .bind("ownerId", owner.value().toString())
                .bind("name", name)
                .bind("specialUse", specialUse.map(Enum::name).orElse(null))
                .bind("uidValidity", mailbox.uidValidity())
                .bind("subscribed", true)
                .bind("createdAt", Rows.millis(createdAt))
                .execute());
        if (inserted == 0) {
            if (specialUse.isPresent() && bySpecialUse(scope, owner, specialUse.get()).isPresent()) {
                throw new ConflictException("the owner already has a mailbox for that special use");
            }
            throw new ConflictException("mailbox name already exists");
        }
        return mailbox;
    }

    @Override
    public Optional<Mailbox> byId(Scope scope, MailboxId id) {
        Objects.requireNonNull(id, "id");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM mailboxes WHERE id = :id" + LIVE + f.sql())
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    @Override
    public Optional<Mailbox> byName(Scope scope, UserId owner, String name) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(name, "name");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM mailboxes WHERE owner_id = :owner AND name = :name"
                        + LIVE + f.sql())
                .bind("owner", owner.value().toString())
                .bind("name", name)
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    @Override
    public Optional<Mailbox> bySpecialUse(Scope scope, UserId owner, SpecialUse use) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(use, "use");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM mailboxes WHERE owner_id = :owner"
                        + " AND special_use = :use" + LIVE + f.sql())
                .bind("owner", owner.value().toString())
                .bind("use", use.name())
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    @Override
    public List<Mailbox> list(Scope scope, UserId owner) {
        Objects.requireNonNull(owner, "owner");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM mailboxes WHERE owner_id = :owner" + LIVE + f.sql()
                        + " ORDER BY name")
                .bind("owner", owner.value().toString())
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .list());
    }

    @Override
    public Optional<Mailbox> rename(Scope scope, MailboxId id, String newName) {
        Objects.requireNonNull(id, "id");
        Inputs.text(newName, "mailbox name", MAX_NAME_CHARS);
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        Optional<Mailbox> current = byId(scope, id);
        if (current.isEmpty()) {
            return Optional.empty();
        }
        if (current.get().name().equals(newName)) {
            return current;
        }
        if (byName(scope, current.get().ownerId(), newName).isPresent()) {
            throw new ConflictException("mailbox name already exists");
        }
        int updated = sql(scope, h -> h.createUpdate("UPDATE mailboxes SET name = :name WHERE id = :id" + LIVE + f.sql())
                .bind("name", newName)
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .execute());
        return updated == 1 ? byId(scope, id) : Optional.empty();
    }

    @Override
    public boolean setSubscribed(Scope scope, MailboxId id, boolean subscribed) {
        Objects.requireNonNull(id, "id");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createUpdate("UPDATE mailboxes SET subscribed = :subscribed WHERE id = :id" + LIVE + f.sql())
                .bind("subscribed", subscribed)
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .execute()) == 1;
    }

    @Override
    public boolean delete(Scope scope, MailboxId id, Instant at) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(at, "at");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        // The mailbox row first: it locks the row, so no append slips in between the two statements.
        int updated = sql(scope, h -> h.createUpdate("UPDATE mailboxes SET deleted_at = :at, name = :tombstone,"
                        + " special_use = NULL, subscribed = :subscribed, highest_modseq = highest_modseq + 1"
                        + " WHERE id = :id" + LIVE + f.sql())
                .bind("at", Rows.millis(at))
                .bind("tombstone", TOMBSTONE_PREFIX + id.value())
                .bind("subscribed", false)
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .execute());
        if (updated == 0) {
            return false;
        }
        sql(scope, h -> h.createUpdate("UPDATE messages SET deleted_at = :at WHERE mailbox_id = :id AND deleted_at IS NULL"
                        + f.sql())
                .bind("at", Rows.millis(at))
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .execute());
        return true;
    }

    private static Mailbox map(ResultSet rs) throws SQLException {
        String specialUse = rs.getString("special_use");
        return new Mailbox(MailboxId.parse(rs.getString("id")), TenantId.parse(rs.getString("tenant_id")),
                UserId.parse(rs.getString("owner_id")), rs.getString("name"),
                Optional.ofNullable(specialUse).map(SpecialUse::valueOf), rs.getLong("uid_validity"),
                rs.getLong("uid_next"), rs.getLong("highest_modseq"), rs.getBoolean("subscribed"),
                Rows.instant(rs, "created_at"));
    }
}
