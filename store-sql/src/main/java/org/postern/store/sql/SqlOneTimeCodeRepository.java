package org.postern.store.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.postern.access.Scope;
import org.postern.model.InvalidInputException;
import org.postern.model.NotFoundException;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.identity.CodePurpose;
import org.postern.store.identity.OneTimeCode;
import org.postern.store.identity.OneTimeCodeRepository;

/** One-time codes, owned by the user they were sent to; only their SHA-256 is stored. */
final class SqlOneTimeCodeRepository extends SqlRepository implements OneTimeCodeRepository {
    private static final String COLUMNS = "id, tenant_id, owner_id, purpose, code_hash, created_at, expires_at, used_at,"
            + " attempts";

    SqlOneTimeCodeRepository(Tx tx) {
        super(tx);
    }

    @Override
    public void create(Scope scope, OneTimeCode code) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(code.id(), "id");
        Objects.requireNonNull(code.tenantId(), "tenantId");
        Objects.requireNonNull(code.userId(), "userId");
        Objects.requireNonNull(code.purpose(), "purpose");
        Objects.requireNonNull(code.createdAt(), "createdAt");
        Objects.requireNonNull(code.expiresAt(), "expiresAt");
        Objects.requireNonNull(code.usedAt(), "usedAt");
        Inputs.sha256(code.codeHash(), "code hash");
        if (code.attempts() < 0) {
            throw new InvalidInputException("attempts cannot be negative");
        }
        if (!scope.allowsOwner(code.tenantId(), code.userId())) {
            throw new NotFoundException("user not found");
        }
        sql(scope, h -> {
            if (!SqlUserRepository.isUserOf(h, code.tenantId(), code.userId())) {
                throw new NotFoundException("user not found");
            }
            // In the same transaction as the insert: at most one usable code per user and purpose.
            h.createUpdate("UPDATE one_time_codes SET used_at = :at"
                            + " WHERE owner_id = :owner AND tenant_id = :tenant AND purpose = :purpose AND used_at IS NULL")
                    .bind("at", Rows.millis(code.createdAt()))
                    .bind("owner", code.userId().value().toString())
                    .bind("tenant", code.tenantId().value().toString())
                    .bind("purpose", code.purpose().name())
                    .execute();
            return h.createUpdate("INSERT INTO one_time_codes (" + COLUMNS + ") VALUES (:id, :tenantId, :ownerId,"
                            + " :purpose, :hash, :createdAt, :expiresAt, :usedAt, :attempts)")
                    .bind("id", code.id().toString())
                    .bind("tenantId", code.tenantId().value().toString())
                    .bind("ownerId", code.userId().value().toString())
                    .bind("purpose", code.purpose().name())
                    .bind("hash", code.codeHash())
                    .bind("createdAt", Rows.millis(code.createdAt()))
                    .bind("expiresAt", Rows.millis(code.expiresAt()))
                    .bind("usedAt", Rows.millis(code.usedAt()))
                    .bind("attempts", code.attempts())
                    .execute();
        });
    }

    @Override
    public Optional<OneTimeCode> latestUsable(Scope scope, UserId user, CodePurpose purpose, Instant now) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(now, "now");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM one_time_codes WHERE owner_id = :user"
                        + " AND purpose = :purpose AND used_at IS NULL AND expires_at > :now" + f.sql()
                        + " ORDER BY created_at DESC, id LIMIT 1")
                .bind("user", user.value().toString())
                .bind("purpose", purpose.name())
                .bind("now", Rows.millis(now))
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    @Override
    public Optional<OneTimeCode> byHash(Scope scope, CodePurpose purpose, byte[] codeHash) {
        Objects.requireNonNull(purpose, "purpose");
        Inputs.sha256(codeHash, "code hash");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM one_time_codes WHERE purpose = :purpose"
                        + " AND code_hash = :hash" + f.sql() + " ORDER BY created_at DESC, id LIMIT 1")
                .bind("purpose", purpose.name())
                .bind("hash", codeHash)
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    @Override
    public int countAttempt(Scope scope, UUID id) {
        Objects.requireNonNull(id, "id");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("UPDATE one_time_codes SET attempts = attempts + 1 WHERE id = :id" + f.sql()
                        + " RETURNING attempts")
                .bind("id", id.toString())
                .bindMap(f.params())
                .mapTo(Integer.class)
                .findOne())
                .orElse(0);
    }

    @Override
    public boolean markUsed(Scope scope, UUID id, Instant at) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(at, "at");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createUpdate("UPDATE one_time_codes SET used_at = :at"
                        + " WHERE id = :id AND used_at IS NULL AND expires_at > :at" + f.sql())
                .bind("at", Rows.millis(at))
                .bind("id", id.toString())
                .bindMap(f.params())
                .execute()) == 1;
    }

    private static OneTimeCode map(ResultSet rs) throws SQLException {
        return new OneTimeCode(Rows.uuid(rs, "id"), TenantId.parse(rs.getString("tenant_id")),
                UserId.parse(rs.getString("owner_id")), CodePurpose.valueOf(rs.getString("purpose")),
                rs.getBytes("code_hash"), Rows.instant(rs, "created_at"), Rows.instant(rs, "expires_at"),
                Rows.optionalInstant(rs, "used_at"), rs.getInt("attempts"));
    }
}
