package org.postern.store.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.postern.access.Scope;
import org.postern.model.AccessDeniedException;
import org.postern.model.InvalidInputException;
import org.postern.model.NotFoundException;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.identity.SignInRecord;
import org.postern.store.identity.SignInRepository;
import org.postern.store.identity.ThrottleState;

/**
 * Sign-in throttling and history. Throttle rows belong to no tenant (their keys name source
 * addresses), so every throttle operation needs a server-wide scope. History rows are owned by
 * the user who signed in.
 */
final class SqlSignInRepository extends SqlRepository implements SignInRepository {
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final String THROTTLE_COLUMNS = "throttle_key, failures, first_failure_at, last_failure_at, locked_until";
    private static final String HISTORY_COLUMNS = "tenant_id, owner_id, ip, device_hash, signed_in_at, latitude, longitude";

    SqlSignInRepository(Tx tx) {
        super(tx);
    }

    @Override
    public Optional<ThrottleState> throttle(Scope scope, String key) {
        requireServerWide(scope);
        Inputs.text(key, "throttle key", ThrottleState.MAX_KEY_CHARS);
        return sql(scope, h -> h.createQuery("SELECT " + THROTTLE_COLUMNS + " FROM signin_throttle WHERE throttle_key = :key")
                .bind("key", key)
                .map((rs, ctx) -> mapThrottle(rs))
                .findOne());
    }

    @Override
    public Optional<ThrottleState> throttleForUpdate(Scope scope, String key, Instant now) {
        requireServerWide(scope);
        Inputs.text(key, "throttle key", ThrottleState.MAX_KEY_CHARS);
        Objects.requireNonNull(now, "now");
        // A row to lock must exist: create an empty one (no failures) if there is none, then lock it.
        sql(scope, h -> h.createUpdate("INSERT INTO signin_throttle (" + THROTTLE_COLUMNS + ")"
                        + " VALUES (:key, 0, :now, :now, NULL) ON CONFLICT (throttle_key) DO NOTHING")
                .bind("key", key)
                .bind("now", Rows.millis(now))
                .execute());
        return sql(scope, h -> h.createQuery("SELECT " + THROTTLE_COLUMNS + " FROM signin_throttle WHERE throttle_key = :key"
                        + tx.dialect().forUpdate())
                .bind("key", key)
                .map((rs, ctx) -> mapThrottle(rs))
                .findOne())
                .filter(s -> s.failures() > 0 || s.lockedUntil().isPresent());
    }

    @Override
    public void saveThrottle(Scope scope, ThrottleState state) {
        requireServerWide(scope);
        Objects.requireNonNull(state, "state");
        Inputs.text(state.key(), "throttle key", ThrottleState.MAX_KEY_CHARS);
        Objects.requireNonNull(state.firstFailureAt(), "firstFailureAt");
        Objects.requireNonNull(state.lastFailureAt(), "lastFailureAt");
        Objects.requireNonNull(state.lockedUntil(), "lockedUntil");
        if (state.failures() < 0) {
            throw new InvalidInputException("failures cannot be negative");
        }
        sql(scope, h -> h.createUpdate("INSERT INTO signin_throttle (" + THROTTLE_COLUMNS + ")"
                        + " VALUES (:key, :failures, :first, :last, :lockedUntil)"
                        + " ON CONFLICT (throttle_key) DO UPDATE SET failures = excluded.failures,"
                        + " first_failure_at = excluded.first_failure_at, last_failure_at = excluded.last_failure_at,"
                        + " locked_until = excluded.locked_until")
                .bind("key", state.key())
                .bind("failures", state.failures())
                .bind("first", Rows.millis(state.firstFailureAt()))
                .bind("last", Rows.millis(state.lastFailureAt()))
                .bind("lockedUntil", Rows.millis(state.lockedUntil()))
                .execute());
    }

    @Override
    public void clearThrottle(Scope scope, String key) {
        requireServerWide(scope);
        Inputs.text(key, "throttle key", ThrottleState.MAX_KEY_CHARS);
        sql(scope, h -> h.createUpdate("DELETE FROM signin_throttle WHERE throttle_key = :key").bind("key", key).execute());
    }

    @Override
    public int purgeThrottleBefore(Scope scope, Instant before) {
        requireServerWide(scope);
        Objects.requireNonNull(before, "before");
        return sql(scope, h -> h.createUpdate("DELETE FROM signin_throttle WHERE last_failure_at < :before"
                        + " AND (locked_until IS NULL OR locked_until < :before)")
                .bind("before", Rows.millis(before))
                .execute());
    }

    @Override
    public void recordSignIn(Scope scope, SignInRecord record) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(record.tenantId(), "tenantId");
        Objects.requireNonNull(record.userId(), "userId");
        Objects.requireNonNull(record.at(), "at");
        Inputs.optionalText(record.ip(), "ip", SqlSessionRepository.MAX_IP_CHARS);
        requireDeviceHash(record.deviceHash());
        Double latitude = coordinate(record.latitude(), 90, "latitude");
        Double longitude = coordinate(record.longitude(), 180, "longitude");
        if (!scope.allowsOwner(record.tenantId(), record.userId())) {
            throw new NotFoundException("user not found");
        }
        sql(scope, h -> {
            if (!SqlUserRepository.isUserOf(h, record.tenantId(), record.userId())) {
                throw new NotFoundException("user not found");
            }
            return h.createUpdate("INSERT INTO signin_history (id, " + HISTORY_COLUMNS + ")"
                            + " VALUES (:id, :tenantId, :ownerId, :ip, :device, :at, :latitude, :longitude)")
                    .bind("id", UUID.randomUUID().toString())
                    .bind("tenantId", record.tenantId().value().toString())
                    .bind("ownerId", record.userId().value().toString())
                    .bind("ip", record.ip())
                    .bind("device", record.deviceHash())
                    .bind("at", Rows.millis(record.at()))
                    .bind("latitude", latitude)
                    .bind("longitude", longitude)
                    .execute();
        });
    }

    @Override
    public Optional<SignInRecord> lastSignIn(Scope scope, UserId user) {
        Objects.requireNonNull(user, "user");
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT " + HISTORY_COLUMNS + " FROM signin_history WHERE owner_id = :user"
                        + f.sql() + " ORDER BY signed_in_at DESC, id LIMIT 1")
                .bind("user", user.value().toString())
                .bindMap(f.params())
                .map((rs, ctx) -> mapRecord(rs))
                .findOne());
    }

    @Override
    public boolean seenDevice(Scope scope, UserId user, String deviceHash) {
        Objects.requireNonNull(user, "user");
        requireDeviceHash(deviceHash);
        return seen(scope, user, "device_hash", deviceHash);
    }

    @Override
    public boolean seenIp(Scope scope, UserId user, String ip) {
        Objects.requireNonNull(user, "user");
        Inputs.optionalText(ip, "ip", SqlSessionRepository.MAX_IP_CHARS);
        return seen(scope, user, "ip", ip);
    }

    /** {@code column} is one of two constants above, never a value. */
    private boolean seen(Scope scope, UserId user, String column, String value) {
        ScopeFilter f = ScopeFilter.owned(Objects.requireNonNull(scope, "scope"));
        return sql(scope, h -> h.createQuery("SELECT 1 FROM signin_history WHERE owner_id = :user AND " + column + " = :value"
                        + f.sql() + " LIMIT 1")
                .bind("user", user.value().toString())
                .bind("value", value)
                .bindMap(f.params())
                .mapTo(Integer.class)
                .findOne()
                .isPresent());
    }

    private static void requireServerWide(Scope scope) {
        Objects.requireNonNull(scope, "scope");
        if (!scope.isServerWide()) {
            throw new AccessDeniedException("sign-in throttling needs a server-wide scope");
        }
    }

    private static void requireDeviceHash(String deviceHash) {
        if (deviceHash == null || !SHA256_HEX.matcher(deviceHash).matches()) {
            throw new InvalidInputException("device hash must be a SHA-256 in lower-case hex");
        }
    }

    private static Double coordinate(Optional<Double> value, double bound, String what) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty()) {
            return null;
        }
        double v = value.get();
        if (!(v >= -bound && v <= bound)) {
            throw new InvalidInputException(what + " is out of range");
        }
        return v;
    }

    private static ThrottleState mapThrottle(ResultSet rs) throws SQLException {
        return new ThrottleState(rs.getString("throttle_key"), rs.getInt("failures"),
                Rows.instant(rs, "first_failure_at"), Rows.instant(rs, "last_failure_at"),
                Rows.optionalInstant(rs, "locked_until"));
    }

    private static SignInRecord mapRecord(ResultSet rs) throws SQLException {
        return new SignInRecord(TenantId.parse(rs.getString("tenant_id")), UserId.parse(rs.getString("owner_id")),
                rs.getString("ip"), rs.getString("device_hash"), Rows.instant(rs, "signed_in_at"),
                Rows.optionalDouble(rs, "latitude"), Rows.optionalDouble(rs, "longitude"));
    }
}
