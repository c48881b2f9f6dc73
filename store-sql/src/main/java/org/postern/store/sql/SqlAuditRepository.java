package org.postern.store.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.postern.access.Scope;
import org.postern.model.AccessDeniedException;
import org.postern.model.InvalidInputException;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.identity.AuditEntry;
import org.postern.store.identity.AuditQuery;
import org.postern.store.identity.AuditRepository;

/**
 * The hash-chained audit log. Appending holds the log exclusively (see {@link Dialect#lockAuditLog})
 * from reading the last entry to inserting the next, so the chain never forks and seq has no gaps.
 * Entries are tenant- and user-scoped by their tenant and subject; server-level entries (no tenant)
 * are seen by a server-wide scope only.
 */
final class SqlAuditRepository extends SqlRepository implements AuditRepository {
    static final int MAX_SCAN = 10_000;
    static final int MAX_ACTOR_CHARS = 200;
    static final int MAX_ACTION_CHARS = 100;
    static final int MAX_OUTCOME_CHARS = 50;
    static final int MAX_USER_AGENT_CHARS = 512;
    /** Room for the auth module's 20 details of 256 characters after JSON escaping, with margin. */
    static final int MAX_DETAILS_CHARS = 16_384;
    static final int MAX_HASH_BYTES = 64;
    private static final String COLUMNS = "seq, occurred_at, tenant_id, owner_id, actor, action, outcome, ip, user_agent,"
            + " details, prev_hash, hash";

    SqlAuditRepository(Tx tx) {
        super(tx);
    }

    @Override
    public AuditEntry append(Scope scope, Function<Optional<AuditEntry>, AuditEntry> build) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(build, "build");
        if (!scope.isServerWide()) {
            throw new AccessDeniedException("appending to the audit log needs a server-wide scope");
        }
        // Three statements, one transaction: the lock is held from the first until COMMIT. The
        // caller's build runs outside sql(), so its own failures are not taken for database ones.
        Optional<AuditEntry> last = sql(scope, h -> {
            tx.dialect().lockAuditLog(h);
            return h.createQuery("SELECT " + COLUMNS + " FROM audit_log ORDER BY seq DESC LIMIT 1")
                    .map((rs, ctx) -> map(rs))
                    .findOne();
        });
        AuditEntry entry = Objects.requireNonNull(build.apply(last), "build returned no entry");
        long expected = last.map(e -> e.seq() + 1).orElse(1L);
        if (entry.seq() != expected) {
            throw new IllegalStateException("audit entry has seq " + entry.seq() + ", expected " + expected);
        }
        if (last.isPresent() && !Arrays.equals(entry.prevHash(), last.get().hash())) {
            throw new IllegalStateException("audit entry " + entry.seq() + " does not link to the hash of the last entry");
        }
        validate(entry);
        sql(scope, h -> h.createUpdate("INSERT INTO audit_log (" + COLUMNS + ") VALUES (:seq, :at, :tenant, :owner, :actor,"
                        + " :action, :outcome, :ip, :userAgent, :details, :prevHash, :hash)")
                .bind("seq", entry.seq())
                .bind("at", Rows.millis(entry.at()))
                .bind("tenant", entry.tenantId().map(t -> t.value().toString()).orElse(null))
                .bind("owner", entry.subject().map(u -> u.value().toString()).orElse(null))
                .bind("actor", entry.actor())
                .bind("action", entry.action())
                .bind("outcome", entry.outcome())
                .bind("ip", entry.ip())
                .bind("userAgent", entry.userAgent())
                .bind("details", entry.details())
                .bind("prevHash", entry.prevHash())
                .bind("hash", entry.hash())
                .execute());
        return entry;
    }

    @Override
    public List<AuditEntry> list(Scope scope, AuditQuery query) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(query.subject(), "subject");
        Objects.requireNonNull(query.beforeSeq(), "beforeSeq");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        String subject = query.subject().isPresent() ? " AND owner_id = :subject" : "";
        String before = query.beforeSeq().isPresent() ? " AND seq < :before" : "";
        return sql(scope, h -> {
            var q = h.createQuery("SELECT " + COLUMNS + " FROM audit_log WHERE 1 = 1" + subject + before + f.sql()
                    + " ORDER BY seq DESC LIMIT :limit");
            query.subject().ifPresent(s -> q.bind("subject", s.value().toString()));
            query.beforeSeq().ifPresent(b -> q.bind("before", b.longValue()));
            return q.bind("limit", query.limit())
                    .bindMap(f.params())
                    .map((rs, ctx) -> map(rs))
                    .list();
        });
    }

    @Override
    public List<AuditEntry> scan(Scope scope, long afterSeq, int limit) {
        Inputs.limit(limit, MAX_SCAN);
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM audit_log WHERE seq > :after" + f.sql()
                        + " ORDER BY seq LIMIT :limit")
                .bind("after", afterSeq)
                .bind("limit", limit)
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .list());
    }

    private static void validate(AuditEntry entry) {
        Objects.requireNonNull(entry.at(), "at");
        Objects.requireNonNull(entry.tenantId(), "tenantId");
        Objects.requireNonNull(entry.subject(), "subject");
        if (entry.subject().isPresent() && entry.tenantId().isEmpty()) {
            throw new InvalidInputException("an audit entry about a user names the user's tenant");
        }
        Inputs.text(entry.actor(), "audit actor", MAX_ACTOR_CHARS);
        Inputs.text(entry.action(), "audit action", MAX_ACTION_CHARS);
        Inputs.text(entry.outcome(), "audit outcome", MAX_OUTCOME_CHARS);
        Inputs.optionalText(entry.ip(), "audit ip", SqlSessionRepository.MAX_IP_CHARS);
        Inputs.optionalText(entry.userAgent(), "audit user agent", MAX_USER_AGENT_CHARS);
        Inputs.optionalText(entry.details(), "audit details", MAX_DETAILS_CHARS);
        if (entry.prevHash() == null || entry.prevHash().length > MAX_HASH_BYTES) {
            throw new InvalidInputException("audit entry has no previous hash");
        }
        Inputs.bytes(entry.hash(), "audit hash", MAX_HASH_BYTES);
    }

    private static AuditEntry map(ResultSet rs) throws SQLException {
        return new AuditEntry(rs.getLong("seq"), Rows.instant(rs, "occurred_at"),
                Optional.ofNullable(rs.getString("tenant_id")).map(TenantId::parse),
                Optional.ofNullable(rs.getString("owner_id")).map(UserId::parse),
                rs.getString("actor"), rs.getString("action"), rs.getString("outcome"), rs.getString("ip"),
                rs.getString("user_agent"), rs.getString("details"), rs.getBytes("prev_hash"), rs.getBytes("hash"));
    }
}
