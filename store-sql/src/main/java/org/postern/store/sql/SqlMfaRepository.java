package org.postern.store.sql;

import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.postern.access.Scope;
import org.postern.model.ConflictException;
import org.postern.model.InvalidInputException;
import org.postern.model.NotFoundException;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.identity.MfaRepository;
import org.postern.store.identity.TotpEnrolment;

/**
 * TOTP enrolments (one per user, the seed sealed by the caller) and recovery codes (their SHA-256).
 * Accepting a code is one conditional UPDATE whose row count decides, so a code is accepted once
 * even when two sessions present it at the same moment.
 */
final class SqlMfaRepository extends SqlRepository implements MfaRepository {
    static final int MAX_SEALED_SECRET_BYTES = 1024;
    static final int MAX_RECOVERY_CODES = 100;
    private static final String COLUMNS = "owner_id, tenant_id, sealed_secret, created_at, confirmed_at, last_used_step";

    SqlMfaRepository(Tx tx) {
        super(tx);
    }

    @Override
    public void saveUnconfirmed(Scope scope, TotpEnrolment enrolment) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(enrolment, "enrolment");
        Objects.requireNonNull(enrolment.userId(), "userId");
        Objects.requireNonNull(enrolment.tenantId(), "tenantId");
        Objects.requireNonNull(enrolment.createdAt(), "createdAt");
        Objects.requireNonNull(enrolment.confirmedAt(), "confirmedAt");
        Inputs.bytes(enrolment.sealedSecret(), "sealed TOTP secret", MAX_SEALED_SECRET_BYTES);
        if (enrolment.confirmed()) {
            throw new InvalidInputException("a new enrolment is unconfirmed");
        }
        if (!scope.allowsOwner(enrolment.tenantId(), enrolment.userId())) {
            throw new NotFoundException("user not found");
        }
        int saved = sql(scope, h -> {
            if (!SqlUserRepository.isUserOf(h, enrolment.tenantId(), enrolment.userId())) {
                throw new NotFoundException("user not found");
            }
            // Replaces a pending enrolment, never a confirmed one: the WHERE of the upsert decides.
            return h.createUpdate("INSERT INTO totp_enrolments (" + COLUMNS + ")"
                            + " VALUES (:owner, :tenant, :secret, :createdAt, NULL, :step)"
                            + " ON CONFLICT (owner_id) DO UPDATE SET sealed_secret = excluded.sealed_secret,"
                            + " created_at = excluded.created_at, confirmed_at = NULL,"
                            + " last_used_step = excluded.last_used_step"
                            + " WHERE totp_enrolments.confirmed_at IS NULL")
                    .bind("owner", enrolment.userId().value().toString())
                    .bind("tenant", enrolment.tenantId().value().toString())
                    .bind("secret", enrolment.sealedSecret())
                    .bind("createdAt", Rows.millis(enrolment.createdAt()))
                    .bind("step", enrolment.lastUsedStep())
                    .execute();
        });
        if (saved == 0) {
            throw new ConflictException("user already has a confirmed TOTP enrolment");
        }
    }

    @Override
    public Optional<TotpEnrolment> totp(Scope scope, UserId user) {
        Objects.requireNonNull(user, "user");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + COLUMNS + " FROM totp_enrolments WHERE owner_id = :user" + f.sql())
                .bind("user", user.value().toString())
                .bindMap(f.params())
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    @Override
    public boolean confirm(Scope scope, UserId user, Instant at, long step) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(at, "at");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createUpdate("UPDATE totp_enrolments SET confirmed_at = :at, last_used_step = :step"
                        + " WHERE owner_id = :user AND confirmed_at IS NULL AND last_used_step < :step" + f.sql())
                .bind("at", Rows.millis(at))
                .bind("step", step)
                .bind("user", user.value().toString())
                .bindMap(f.params())
                .execute()) == 1;
    }

    @Override
    public boolean useStep(Scope scope, UserId user, long step) {
        Objects.requireNonNull(user, "user");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        // A concurrent use of the same step waits for this row's lock, then fails the condition.
        return sql(scope, h -> h.createUpdate("UPDATE totp_enrolments SET last_used_step = :step"
                        + " WHERE owner_id = :user AND confirmed_at IS NOT NULL AND last_used_step < :step" + f.sql())
                .bind("step", step)
                .bind("user", user.value().toString())
                .bindMap(f.params())
                .execute()) == 1;
    }

    @Override
    public boolean delete(Scope scope, UserId user) {
        Objects.requireNonNull(user, "user");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> {
            int codes = h.createUpdate("DELETE FROM recovery_codes WHERE owner_id = :user" + f.sql())
                    .bind("user", user.value().toString())
                    .bindMap(f.params())
                    .execute();
            int enrolments = h.createUpdate("DELETE FROM totp_enrolments WHERE owner_id = :user" + f.sql())
                    .bind("user", user.value().toString())
                    .bindMap(f.params())
                    .execute();
            return enrolments + codes > 0;
        });
    }

    @Override
    public void replaceRecoveryCodes(Scope scope, UserId user, List<byte[]> codeHashes, Instant at) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(codeHashes, "codeHashes");
        Objects.requireNonNull(at, "at");
        if (codeHashes.size() > MAX_RECOVERY_CODES) {
            throw new InvalidInputException("more than " + MAX_RECOVERY_CODES + " recovery codes");
        }
        Set<ByteBuffer> distinct = new HashSet<>();
        for (byte[] hash : codeHashes) {
            if (!distinct.add(ByteBuffer.wrap(Inputs.sha256(hash, "recovery code hash")))) {
                throw new InvalidInputException("recovery codes repeat");
            }
        }
        // The tenant comes from the users row, after the scope check: a user scope names its tenant,
        // a wider one does not need to.
        TenantId tenant = sql(scope, h -> h.createQuery("SELECT tenant_id FROM users WHERE id = :user"
                        + ScopeFilter.users(scope).sql())
                .bind("user", user.value().toString())
                .bindMap(ScopeFilter.users(scope).params())
                .map((rs, ctx) -> TenantId.parse(rs.getString("tenant_id")))
                .findOne())
                .orElseThrow(() -> new NotFoundException("user not found"));
        sql(scope, h -> {
            h.createUpdate("DELETE FROM recovery_codes WHERE owner_id = :user")
                    .bind("user", user.value().toString())
                    .execute();
            for (byte[] hash : codeHashes) {
                h.createUpdate("INSERT INTO recovery_codes (owner_id, tenant_id, code_hash, created_at)"
                                + " VALUES (:user, :tenant, :hash, :at)")
                        .bind("user", user.value().toString())
                        .bind("tenant", tenant.value().toString())
                        .bind("hash", hash)
                        .bind("at", Rows.millis(at))
                        .execute();
            }
            return null;
        });
    }

    @Override
    public boolean useRecoveryCode(Scope scope, UserId user, byte[] codeHash, Instant at) {
        Objects.requireNonNull(user, "user");
        Inputs.sha256(codeHash, "recovery code hash");
        Objects.requireNonNull(at, "at");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createUpdate("UPDATE recovery_codes SET used_at = :at"
                        + " WHERE owner_id = :user AND code_hash = :hash AND used_at IS NULL" + f.sql())
                .bind("at", Rows.millis(at))
                .bind("user", user.value().toString())
                .bind("hash", codeHash)
                .bindMap(f.params())
                .execute()) == 1;
    }

    @Override
    public int unusedRecoveryCodes(Scope scope, UserId user) {
        Objects.requireNonNull(user, "user");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT COUNT(*) FROM recovery_codes WHERE owner_id = :user AND used_at IS NULL"
                        + f.sql())
                .bind("user", user.value().toString())
                .bindMap(f.params())
                .mapTo(Integer.class)
                .one());
    }

    private static TotpEnrolment map(ResultSet rs) throws SQLException {
        return new TotpEnrolment(UserId.parse(rs.getString("owner_id")), TenantId.parse(rs.getString("tenant_id")),
                rs.getBytes("sealed_secret"), Rows.instant(rs, "created_at"), Rows.optionalInstant(rs, "confirmed_at"),
                rs.getLong("last_used_step"));
    }
}
