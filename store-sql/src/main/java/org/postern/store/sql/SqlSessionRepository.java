package org.postern.store.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.postern.access.Scope;
import org.postern.model.InvalidInputException;
import org.postern.model.NotFoundException;
import org.postern.model.SessionId;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.identity.AuthSession;
import org.postern.store.identity.RefreshToken;
import org.postern.store.identity.SessionLevel;
import org.postern.store.identity.SessionRepository;

/**
 * Sign-in sessions and their refresh tokens, both owned by the user who signed in. A refresh token
 * is used by one conditional UPDATE whose row count decides, so of two concurrent exchanges only
 * one succeeds.
 */
final class SqlSessionRepository extends SqlRepository implements SessionRepository {
    static final int MAX_IP_CHARS = 100;
    static final int MAX_REASON_CHARS = 200;
    private static final String COLUMNS = "id, tenant_id, owner_id, level, device, ip, created_at, last_seen_at,"
            + " expires_at, revoked_at, revoked_reason";
    private static final String TOKEN_COLUMNS = "token_hash, session_id, tenant_id, owner_id, issued_at, expires_at, used_at";

    SqlSessionRepository(Tx tx) {
        super(tx);
    }

    @Override
    public void create(Scope scope, AuthSession session) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(session.id(), "id");
        Objects.requireNonNull(session.tenantId(), "tenantId");
        Objects.requireNonNull(session.userId(), "userId");
        Objects.requireNonNull(session.level(), "level");
        Objects.requireNonNull(session.createdAt(), "createdAt");
        Objects.requireNonNull(session.lastSeenAt(), "lastSeenAt");
        Objects.requireNonNull(session.expiresAt(), "expiresAt");
        Inputs.optionalText(session.device(), "device", AuthSession.MAX_DEVICE_CHARS);
        Inputs.optionalText(session.ip(), "ip", MAX_IP_CHARS);
        if (session.revokedAt().isPresent() != session.revokedReason().isPresent()) {
            throw new InvalidInputException("a revoked session needs both the time and the reason");
        }
        session.revokedReason().ifPresent(r -> Inputs.text(r, "revocation reason", MAX_REASON_CHARS));
        if (!scope.allowsOwner(session.tenantId(), session.userId())) {
            throw new NotFoundException("user not found");
        }
        sql(scope, h -> {
            if (!SqlUserRepository.isUserOf(h, session.tenantId(), session.userId())) {
                throw new NotFoundException("user not found");
            }
            return h.createUpdate("INSERT INTO auth_sessions (" + COLUMNS + ") VALUES (:id, :tenantId, :ownerId,"
                            + " :level, :device, :ip, :createdAt, :lastSeenAt, :expiresAt, :revokedAt, :revokedReason)")
                    .bind("id", session.id().value().toString())
                    .bind("tenantId", session.tenantId().value().toString())
                    .bind("ownerId", session.userId().value().toString())
                    .bind("level", session.level().name())
                    .bind("device", session.device())
                    .bind("ip", session.ip())
                    .bind("createdAt", Rows.millis(session.createdAt()))
                    .bind("lastSeenAt", Rows.millis(session.lastSeenAt()))
                    .bind("expiresAt", Rows.millis(session.expiresAt()))
                    .bind("revokedAt", Rows.millis(session.revokedAt()))
                    .bind("revokedReason", session.revokedReason().orElse(null))
                    .execute();
        });
    }

    @Override
    public Optional<AuthSession> byId(Scope scope, SessionId id) {
        Objects.requireNonNull(id, "id");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM auth_sessions WHERE id = :id" + f.sql())
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    @Override
    public List<AuthSession> listActive(Scope scope, UserId user, Instant now) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(now, "now");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM auth_sessions WHERE owner_id = :user"
                        + " AND revoked_at IS NULL AND expires_at > :now" + f.sql()
                        + " ORDER BY created_at DESC, id")
                .bind("user", user.value().toString())
                .bind("now", Rows.millis(now))
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .list());
    }

    @Override
    public boolean touch(Scope scope, SessionId id, Instant at, String ip) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(at, "at");
        Inputs.optionalText(ip, "ip", MAX_IP_CHARS);
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createUpdate("UPDATE auth_sessions SET last_seen_at = :at, ip = :ip WHERE id = :id" + f.sql())
                .bind("at", Rows.millis(at))
                .bind("ip", ip)
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .execute()) == 1;
    }

    @Override
    public boolean revoke(Scope scope, SessionId id, Instant at, String reason) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(at, "at");
        Inputs.text(reason, "revocation reason", MAX_REASON_CHARS);
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createUpdate("UPDATE auth_sessions SET revoked_at = :at, revoked_reason = :reason"
                        + " WHERE id = :id AND revoked_at IS NULL AND expires_at > :at" + f.sql())
                .bind("at", Rows.millis(at))
                .bind("reason", reason)
                .bind("id", id.value().toString())
                .bindMap(f.params())
                .execute()) == 1;
    }

    @Override
    public int revokeAllOf(Scope scope, UserId user, Instant at, String reason) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(at, "at");
        Inputs.text(reason, "revocation reason", MAX_REASON_CHARS);
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createUpdate("UPDATE auth_sessions SET revoked_at = :at, revoked_reason = :reason"
                        + " WHERE owner_id = :user AND revoked_at IS NULL AND expires_at > :at" + f.sql())
                .bind("at", Rows.millis(at))
                .bind("reason", reason)
                .bind("user", user.value().toString())
                .bindMap(f.params())
                .execute());
    }

    @Override
    public void addRefreshToken(Scope scope, RefreshToken token) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(token.sessionId(), "sessionId");
        Objects.requireNonNull(token.tenantId(), "tenantId");
        Objects.requireNonNull(token.userId(), "userId");
        Objects.requireNonNull(token.issuedAt(), "issuedAt");
        Objects.requireNonNull(token.expiresAt(), "expiresAt");
        Objects.requireNonNull(token.usedAt(), "usedAt");
        Inputs.sha256(token.tokenHash(), "token hash");
        if (!scope.allowsOwner(token.tenantId(), token.userId())) {
            throw new NotFoundException("session not found");
        }
        // Copies the owner from the session row, and only while the session is not revoked: a
        // revoked family never gets a new token.
        int inserted = sql(scope, h -> h.createUpdate("INSERT INTO refresh_tokens (" + TOKEN_COLUMNS + ")"
                        + " SELECT :hash, id, tenant_id, owner_id, :issuedAt, :expiresAt, :usedAt FROM auth_sessions"
                        + " WHERE id = :session AND tenant_id = :tenant AND owner_id = :owner AND revoked_at IS NULL")
                .bind("hash", token.tokenHash())
                .bind("issuedAt", Rows.millis(token.issuedAt()))
                .bind("expiresAt", Rows.millis(token.expiresAt()))
                .bind("usedAt", Rows.millis(token.usedAt()))
                .bind("session", token.sessionId().value().toString())
                .bind("tenant", token.tenantId().value().toString())
                .bind("owner", token.userId().value().toString())
                .execute());
        if (inserted == 0) {
            throw new NotFoundException("session not found");
        }
    }

    @Override
    public Optional<RefreshToken> refreshTokenByHash(Scope scope, byte[] tokenHash) {
        Inputs.sha256(tokenHash, "token hash");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + TOKEN_COLUMNS + " FROM refresh_tokens WHERE token_hash = :hash" + f.sql())
                .bind("hash", tokenHash)
                .bindMap(f.params())
                .map((rs, ctx) -> mapToken(rs))
                .findOne());
    }

    @Override
    public boolean markRefreshTokenUsed(Scope scope, byte[] tokenHash, Instant at) {
        Inputs.sha256(tokenHash, "token hash");
        Objects.requireNonNull(at, "at");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        // One statement: on PostgreSQL a concurrent exchange waits for this row's lock, then finds
        // used_at set and changes nothing; on SQLite the transactions are serial.
        return sql(scope, h -> h.createUpdate("UPDATE refresh_tokens SET used_at = :at"
                        + " WHERE token_hash = :hash AND used_at IS NULL" + f.sql())
                .bind("at", Rows.millis(at))
                .bind("hash", tokenHash)
                .bindMap(f.params())
                .execute()) == 1;
    }

    @Override
    public int purgeEndedBefore(Scope scope, Instant before) {
        Objects.requireNonNull(before, "before");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        String ended = "(expires_at < :before OR revoked_at < :before)" + f.sql();
        return sql(scope, h -> {
            h.createUpdate("DELETE FROM refresh_tokens WHERE session_id IN (SELECT id FROM auth_sessions WHERE "
                            + ended + ")")
                    .bind("before", Rows.millis(before))
                    .bindMap(f.params())
                    .execute();
            return h.createUpdate("DELETE FROM auth_sessions WHERE " + ended)
                    .bind("before", Rows.millis(before))
                    .bindMap(f.params())
                    .execute();
        });
    }

    private static AuthSession map(ResultSet rs) throws SQLException {
        return new AuthSession(SessionId.parse(rs.getString("id")), TenantId.parse(rs.getString("tenant_id")),
                UserId.parse(rs.getString("owner_id")), SessionLevel.valueOf(rs.getString("level")),
                rs.getString("device"), rs.getString("ip"), Rows.instant(rs, "created_at"),
                Rows.instant(rs, "last_seen_at"), Rows.instant(rs, "expires_at"),
                Rows.optionalInstant(rs, "revoked_at"), Optional.ofNullable(rs.getString("revoked_reason")));
    }

    private static RefreshToken mapToken(ResultSet rs) throws SQLException {
        return new RefreshToken(rs.getBytes("token_hash"), SessionId.parse(rs.getString("session_id")),
                TenantId.parse(rs.getString("tenant_id")), UserId.parse(rs.getString("owner_id")),
                Rows.instant(rs, "issued_at"), Rows.instant(rs, "expires_at"), Rows.optionalInstant(rs, "used_at"));
    }
}
