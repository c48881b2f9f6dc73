package org.postern.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.postern.store.MetadataStoreContract.HASH;
import static org.postern.store.MetadataStoreContract.bytes;
import static org.postern.store.MetadataStoreContract.server;
import static org.postern.store.MetadataStoreContract.tenantScope;
import static org.postern.store.MetadataStoreContract.unique;
import static org.postern.store.MetadataStoreContract.uniqueAddress;
import static org.postern.store.MetadataStoreContract.userScope;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.postern.access.Scope;
import org.postern.model.AccessDeniedException;
import org.postern.model.ConflictException;
import org.postern.model.CredentialId;
import org.postern.model.EmailAddress;
import org.postern.model.InvalidInputException;
import org.postern.model.InviteId;
import org.postern.model.NotFoundException;
import org.postern.model.Role;
import org.postern.model.SessionId;
import org.postern.model.SubmissionLimits;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.identity.AccountSecurity;
import org.postern.store.identity.AuditEntry;
import org.postern.store.identity.AuditQuery;
import org.postern.store.identity.AuthSession;
import org.postern.store.identity.CodePurpose;
import org.postern.store.identity.Credential;
import org.postern.store.identity.CredentialKind;
import org.postern.store.identity.Invite;
import org.postern.store.identity.OneTimeCode;
import org.postern.store.identity.OutboxMessage;
import org.postern.store.identity.RefreshToken;
import org.postern.store.identity.RiskMode;
import org.postern.store.identity.SessionLevel;
import org.postern.store.identity.SignInRecord;
import org.postern.store.identity.TenantPolicy;
import org.postern.store.identity.ThrottleState;
import org.postern.store.identity.TotpEnrolment;

/**
 * What every {@link MetadataStore} must do for identity and access (org.postern.store.identity). A
 * backend's test implements this beside {@link MetadataStoreContract}. As there, tests never assume
 * an empty database: each makes its own tenants and users, and server-wide rows (throttle keys, the
 * audit log) are told apart by unique keys, far-off times or the seq read before the test.
 */
public interface IdentityStoreContract {
    /** A time at the millisecond precision the store keeps. */
    Instant T0 = Instant.parse("2026-11-01T10:00:00.123Z");

    /** The store under test, opened before each test. */
    MetadataStore store();

    // ---------------------------------------------------------------- fixtures

    static byte[] sha256(String s) {
        return sha256(s.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] randomHash() {
        return sha256(UUID.randomUUID().toString());
    }

    static String deviceHash(String userAgent) {
        return HexFormat.of().formatHex(sha256(userAgent));
    }

    default <T> T inTx(MetadataStore.Work<T> work) {
        return store().inTransaction(work);
    }

    default Tenant aTenant() {
        return inTx((Repositories r) -> r.tenants().create(server(), unique("tenant")));
    }

    default User aUser(Tenant tenant) {
        return inTx((Repositories r) -> r.users().create(tenantScope(tenant.id()), tenant.id(), uniqueAddress(), Role.USER, HASH));
    }

    /** Two tenants: A with users a1 and a2, B with user b1. */
    record People(Tenant a, Tenant b, User a1, User a2, User b1) {}

    default People people() {
        Tenant a = aTenant();
        Tenant b = aTenant();
        return new People(a, b, aUser(a), aUser(a), aUser(b));
    }

    static AuthSession session(User user, Instant createdAt, Duration lifetime) {
        return new AuthSession(SessionId.random(), user.tenantId(), user.id(), SessionLevel.FULL, "Thunderbird/140.0",
                "192.0.2.10", createdAt, createdAt, createdAt.plus(lifetime), Optional.empty(), Optional.empty());
    }

    default AuthSession newSession(User user, Instant createdAt, Duration lifetime) {
        AuthSession s = session(user, createdAt, lifetime);
        inTx((Repositories r) -> {
            r.sessions().create(userScope(user), s);
            return null;
        });
        return s;
    }

    default RefreshToken newRefreshToken(AuthSession session) {
        RefreshToken t = new RefreshToken(randomHash(), session.id(), session.tenantId(), session.userId(),
                session.createdAt(), session.expiresAt(), Optional.empty());
        inTx((Repositories r) -> {
            r.sessions().addRefreshToken(server(), t);
            return null;
        });
        return t;
    }

    static Credential credential(User user, CredentialKind kind, Instant createdAt, Optional<Instant> expiresAt) {
        return new Credential(CredentialId.random(), user.tenantId(), user.id(), kind, unique("phone"),
                Set.of("imap", "smtp"), randomHash(), createdAt, expiresAt, Optional.empty(), Optional.empty());
    }

    default Credential newCredential(User user, CredentialKind kind, Instant createdAt) {
        Credential c = credential(user, kind, createdAt, Optional.empty());
        inTx((Repositories r) -> {
            r.credentials().create(userScope(user), c);
            return null;
        });
        return c;
    }

    default void confirmedTotp(User user, long step) {
        inTx((Repositories r) -> {
            r.mfa().saveUnconfirmed(userScope(user), new TotpEnrolment(user.id(), user.tenantId(), bytes("sealed seed"),
                    T0, Optional.empty(), 0));
            return r.mfa().confirm(userScope(user), user.id(), T0, step);
        });
    }

    static Invite invite(TenantId tenant, Role role, Instant createdAt, Duration lifetime) {
        return new Invite(InviteId.random(), tenant, uniqueAddress(), role, randomHash(), "operator", createdAt,
                createdAt.plus(lifetime), Optional.empty());
    }

    static OneTimeCode code(User user, CodePurpose purpose, byte[] hash, Instant createdAt, Duration lifetime) {
        return new OneTimeCode(UUID.randomUUID(), user.tenantId(), user.id(), purpose, hash, createdAt,
                createdAt.plus(lifetime), Optional.empty(), 0);
    }

    default OneTimeCode newCode(User user, CodePurpose purpose, Instant createdAt) {
        OneTimeCode c = code(user, purpose, randomHash(), createdAt, Duration.ofMinutes(15));
        inTx((Repositories r) -> {
            r.oneTimeCodes().create(userScope(user), c);
            return null;
        });
        return c;
    }

    /**
     * Builds the next audit entry as the auth module will: seq one more than the last, prevHash the
     * last hash (32 zero bytes for the first), hash a SHA-256 over prevHash and the fields.
     */
    static Function<Optional<AuditEntry>, AuditEntry> auditEntry(Optional<TenantId> tenant, Optional<UserId> subject,
            String action) {
        return last -> {
            long seq = last.map(e -> e.seq() + 1).orElse(1L);
            byte[] prev = last.map(AuditEntry::hash).orElse(new byte[32]);
            String fields = seq + "|" + tenant.map(Object::toString).orElse("") + "|"
                    + subject.map(Object::toString).orElse("") + "|" + action;
            byte[] input = ByteBuffer.allocate(prev.length + fields.length() * 4).put(prev)
                    .put(fields.getBytes(StandardCharsets.UTF_8)).array();
            return new AuditEntry(seq, T0, tenant, subject, "system:test", action, "success", "192.0.2.1",
                    "contract-test", "{\"n\":" + seq + "}", prev, sha256(input));
        };
    }

    default AuditEntry audit(Optional<TenantId> tenant, Optional<UserId> subject, String action) {
        return inTx((Repositories r) -> r.audit().append(server(), auditEntry(tenant, subject, action)));
    }

    default AuditEntry auditAbout(User user, String action) {
        return audit(Optional.of(user.tenantId()), Optional.of(user.id()), action);
    }

    default long lastAuditSeq() {
        List<AuditEntry> newest = inTx((Repositories r) -> r.audit().list(server(), new AuditQuery(Optional.empty(), Optional.empty(), 1)));
        return newest.isEmpty() ? 0 : newest.get(0).seq();
    }

    /** Runs {@code task} on {@code threads} threads released together; returns each result. */
    static <T> List<T> race(int threads, Callable<T> task) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
        }
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            results.add(f.get());
        }
        return results;
    }

    // ---------------------------------------------------------------- sessions

    @Test
    default void sessionIsCreatedListedTouchedAndRevoked() {
        User user = aUser(aTenant());
        AuthSession older = newSession(user, T0, Duration.ofDays(30));
        AuthSession newer = newSession(user, T0.plusSeconds(60), Duration.ofDays(30));
        newSession(user, T0.minus(Duration.ofDays(40)), Duration.ofDays(30)); // expired before T0
        Scope mine = userScope(user);
        Instant now = T0.plusSeconds(120);

        assertThat(inTx((Repositories r) -> r.sessions().byId(mine, older.id()))).contains(older);
        assertThat(inTx((Repositories r) -> r.sessions().listActive(mine, user.id(), now))).containsExactly(newer, older);

        assertThat(inTx((Repositories r) -> r.sessions().touch(mine, older.id(), now, "198.51.100.7"))).isTrue();
        AuthSession touched = inTx((Repositories r) -> r.sessions().byId(mine, older.id())).orElseThrow();
        assertThat(touched.lastSeenAt()).isEqualTo(now);
        assertThat(touched.ip()).isEqualTo("198.51.100.7");
        assertThat(touched.createdAt()).isEqualTo(T0);

        assertThat(inTx((Repositories r) -> r.sessions().revoke(mine, older.id(), now, "signed out"))).isTrue();
        assertThat(inTx((Repositories r) -> r.sessions().revoke(mine, older.id(), now, "signed out"))).isFalse();
        AuthSession revoked = inTx((Repositories r) -> r.sessions().byId(mine, older.id())).orElseThrow();
        assertThat(revoked.revokedAt()).contains(now);
        assertThat(revoked.revokedReason()).contains("signed out");
        assertThat(revoked.activeAt(now)).isFalse();
        assertThat(inTx((Repositories r) -> r.sessions().listActive(mine, user.id(), now))).containsExactly(newer);
        // Expiry counts at the instant itself.
        assertThat(inTx((Repositories r) -> r.sessions().listActive(mine, user.id(), newer.expiresAt()))).isEmpty();
        assertThat(inTx((Repositories r) -> r.sessions().byId(mine, SessionId.random()))).isEmpty();
    }

    @Test
    default void aSessionIdIsUnique() {
        User user = aUser(aTenant());
        AuthSession s = newSession(user, T0, Duration.ofDays(1));
        assertThatThrownBy(() -> inTx((Repositories r) -> {
            r.sessions().create(server(), s);
            return null;
        })).isInstanceOf(ConflictException.class);
    }

    @Test
    default void revokeAllOfRevokesOnlyThatUsersActiveSessions() {
        People p = people();
        newSession(p.a1(), T0, Duration.ofDays(30));
        newSession(p.a1(), T0.plusSeconds(1), Duration.ofDays(30));
        AuthSession expired = newSession(p.a1(), T0.minus(Duration.ofDays(40)), Duration.ofDays(30));
        AuthSession other = newSession(p.a2(), T0, Duration.ofDays(30));
        Instant now = T0.plusSeconds(10);

        assertThat(inTx((Repositories r) -> r.sessions().revokeAllOf(tenantScope(p.a().id()), p.a1().id(), now, "password changed")))
                .isEqualTo(2);
        assertThat(inTx((Repositories r) -> r.sessions().listActive(server(), p.a1().id(), now))).isEmpty();
        assertThat(inTx((Repositories r) -> r.sessions().byId(server(), expired.id())).orElseThrow().revokedAt()).isEmpty();
        assertThat(inTx((Repositories r) -> r.sessions().listActive(server(), p.a2().id(), now))).containsExactly(other);
        assertThat(inTx((Repositories r) -> r.sessions().revokeAllOf(server(), p.a1().id(), now, "again"))).isZero();
    }

    @Test
    default void sessionsOfAnotherUserOrTenantAreInvisibleAndUntouchable() {
        People p = people();
        AuthSession s = newSession(p.a1(), T0, Duration.ofDays(30));
        RefreshToken token = newRefreshToken(s);
        Instant now = T0.plusSeconds(5);
        for (Scope outsider : List.of(userScope(p.a2()), tenantScope(p.b().id()), userScope(p.b1()))) {
            assertThat(inTx((Repositories r) -> r.sessions().byId(outsider, s.id()))).as(outsider.toString()).isEmpty();
            assertThat(inTx((Repositories r) -> r.sessions().listActive(outsider, p.a1().id(), now))).isEmpty();
            assertThat(inTx((Repositories r) -> r.sessions().touch(outsider, s.id(), now, "203.0.113.9"))).isFalse();
            assertThat(inTx((Repositories r) -> r.sessions().revoke(outsider, s.id(), now, "hijack"))).isFalse();
            assertThat(inTx((Repositories r) -> r.sessions().revokeAllOf(outsider, p.a1().id(), now, "hijack"))).isZero();
            assertThat(inTx((Repositories r) -> r.sessions().refreshTokenByHash(outsider, token.tokenHash()))).isEmpty();
            assertThat(inTx((Repositories r) -> r.sessions().markRefreshTokenUsed(outsider, token.tokenHash(), now))).isFalse();
            assertThat(inTx((Repositories r) -> r.sessions().purgeEndedBefore(outsider, s.expiresAt().plusSeconds(1)))).isZero();
            assertThatThrownBy(() -> inTx((Repositories r) -> {
                r.sessions().create(outsider, session(p.a1(), T0, Duration.ofDays(1)));
                return null;
            })).isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> inTx((Repositories r) -> {
                r.sessions().addRefreshToken(outsider, new RefreshToken(randomHash(), s.id(), s.tenantId(), s.userId(),
                        T0, s.expiresAt(), Optional.empty()));
                return null;
            })).isInstanceOf(NotFoundException.class);
        }
        AuthSession after = inTx((Repositories r) -> r.sessions().byId(userScope(p.a1()), s.id())).orElseThrow();
        assertThat(after).isEqualTo(s);
        assertThat(inTx((Repositories r) -> r.sessions().refreshTokenByHash(userScope(p.a1()), token.tokenHash())).orElseThrow().usedAt())
                .isEmpty();
    }

    @Test
    default void aSessionCannotBeMadeForAUserOfAnotherTenant() {
        People p = people();
        AuthSession crossed = new AuthSession(SessionId.random(), p.b().id(), p.a1().id(), SessionLevel.FULL, "", "",
                T0, T0, T0.plusSeconds(60), Optional.empty(), Optional.empty());
        assertThatThrownBy(() -> inTx((Repositories r) -> {
            r.sessions().create(server(), crossed);
            return null;
        })).isInstanceOf(NotFoundException.class);
    }

    @Test
    default void refreshTokenIsFoundByHashAndUsedOnce() {
        User user = aUser(aTenant());
        AuthSession s = newSession(user, T0, Duration.ofDays(30));
        RefreshToken token = newRefreshToken(s);
        Scope mine = userScope(user);

        RefreshToken found = inTx((Repositories r) -> r.sessions().refreshTokenByHash(mine, token.tokenHash().clone())).orElseThrow();
        assertThat(found).usingRecursiveComparison().isEqualTo(token);
        assertThat(inTx((Repositories r) -> r.sessions().refreshTokenByHash(mine, randomHash()))).isEmpty();

        Instant used = T0.plusSeconds(30);
        assertThat(inTx((Repositories r) -> r.sessions().markRefreshTokenUsed(mine, token.tokenHash(), used))).isTrue();
        assertThat(inTx((Repositories r) -> r.sessions().markRefreshTokenUsed(mine, token.tokenHash(), used.plusSeconds(1)))).isFalse();
        assertThat(inTx((Repositories r) -> r.sessions().refreshTokenByHash(mine, token.tokenHash())).orElseThrow().usedAt())
                .contains(used);
        assertThat(inTx((Repositories r) -> r.sessions().markRefreshTokenUsed(mine, randomHash(), used))).isFalse();
    }

    @Test
    default void refreshTokensNeedAnUnrevokedSessionOfTheSameUser() {
        People p = people();
        AuthSession s = newSession(p.a1(), T0, Duration.ofDays(30));
        // No such session.
        assertThatThrownBy(() -> inTx((Repositories r) -> {
            r.sessions().addRefreshToken(server(), new RefreshToken(randomHash(), SessionId.random(), p.a().id(),
                    p.a1().id(), T0, T0.plusSeconds(60), Optional.empty()));
            return null;
        })).isInstanceOf(NotFoundException.class);
        // The session of another user.
        assertThatThrownBy(() -> inTx((Repositories r) -> {
            r.sessions().addRefreshToken(server(), new RefreshToken(randomHash(), s.id(), p.a().id(), p.a2().id(), T0,
                    T0.plusSeconds(60), Optional.empty()));
            return null;
        })).isInstanceOf(NotFoundException.class);
        // Only a SHA-256 is stored.
        assertThatThrownBy(() -> inTx((Repositories r) -> {
            r.sessions().addRefreshToken(server(), new RefreshToken(bytes("the token itself"), s.id(), p.a().id(),
                    p.a1().id(), T0, T0.plusSeconds(60), Optional.empty()));
            return null;
        })).isInstanceOf(InvalidInputException.class);
        // A revoked session gets no new token.
        inTx((Repositories r) -> r.sessions().revoke(server(), s.id(), T0.plusSeconds(1), "reuse detected"));
        assertThatThrownBy(() -> newRefreshToken(s)).isInstanceOf(NotFoundException.class);
    }

    @Test
    default void concurrentExchangesOfOneRefreshTokenHaveOneWinner() throws Exception {
        User user = aUser(aTenant());
        AuthSession s = newSession(user, T0, Duration.ofDays(30));
        for (int round = 0; round < 5; round++) {
            RefreshToken token = newRefreshToken(s);
            List<Boolean> results = race(2, () -> inTx((Repositories r) ->
                    r.sessions().markRefreshTokenUsed(userScope(user), token.tokenHash(), T0.plusSeconds(1))));
            assertThat(results).as("round " + round).containsExactlyInAnyOrder(true, false);
        }
    }

    @Test
    default void purgeDeletesEndedSessionsWithTheirTokensAndKeepsTheRest() {
        People p = people();
        Instant before = T0.minus(Duration.ofDays(1));
        AuthSession expiredLongAgo = newSession(p.a1(), T0.minus(Duration.ofDays(60)), Duration.ofDays(30));
        RefreshToken expiredToken = newRefreshToken(expiredLongAgo);
        AuthSession revokedLongAgo = newSession(p.a2(), T0.minus(Duration.ofDays(10)), Duration.ofDays(30));
        RefreshToken revokedToken = newRefreshToken(revokedLongAgo);
        inTx((Repositories r) -> r.sessions().revoke(server(), revokedLongAgo.id(), T0.minus(Duration.ofDays(9)), "signed out"));
        AuthSession revokedToday = newSession(p.a1(), T0.minus(Duration.ofDays(10)), Duration.ofDays(30));
        inTx((Repositories r) -> r.sessions().revoke(server(), revokedToday.id(), T0, "signed out"));
        AuthSession active = newSession(p.a1(), T0, Duration.ofDays(30));
        RefreshToken activeToken = newRefreshToken(active);
        AuthSession otherTenant = newSession(p.b1(), T0.minus(Duration.ofDays(60)), Duration.ofDays(30));

        assertThat(inTx((Repositories r) -> r.sessions().purgeEndedBefore(tenantScope(p.a().id()), before))).isEqualTo(2);
        assertThat(inTx((Repositories r) -> r.sessions().byId(server(), expiredLongAgo.id()))).isEmpty();
        assertThat(inTx((Repositories r) -> r.sessions().byId(server(), revokedLongAgo.id()))).isEmpty();
        assertThat(inTx((Repositories r) -> r.sessions().refreshTokenByHash(server(), expiredToken.tokenHash()))).isEmpty();
        assertThat(inTx((Repositories r) -> r.sessions().refreshTokenByHash(server(), revokedToken.tokenHash()))).isEmpty();
        assertThat(inTx((Repositories r) -> r.sessions().byId(server(), revokedToday.id()))).isPresent();
        assertThat(inTx((Repositories r) -> r.sessions().byId(server(), active.id()))).isPresent();
        assertThat(inTx((Repositories r) -> r.sessions().refreshTokenByHash(server(), activeToken.tokenHash()))).isPresent();
        assertThat(inTx((Repositories r) -> r.sessions().byId(server(), otherTenant.id()))).isPresent();
    }

    @Test
    default void sessionTextIsBounded() {
        User user = aUser(aTenant());
        AuthSession longDevice = new AuthSession(SessionId.random(), user.tenantId(), user.id(), SessionLevel.FULL,
                "x".repeat(AuthSession.MAX_DEVICE_CHARS + 1), "192.0.2.1", T0, T0, T0.plusSeconds(60), Optional.empty(),
                Optional.empty());
        AuthSession controlInIp = new AuthSession(SessionId.random(), user.tenantId(), user.id(), SessionLevel.FULL,
                "curl", "192.0.2.1\r\nX: y", T0, T0, T0.plusSeconds(60), Optional.empty(), Optional.empty());
        for (AuthSession bad : List.of(longDevice, controlInIp)) {
            assertThatThrownBy(() -> inTx((Repositories r) -> {
                r.sessions().create(server(), bad);
                return null;
            })).isInstanceOf(InvalidInputException.class);
        }
        // No User-Agent at all is fine.
        AuthSession noDevice = new AuthSession(SessionId.random(), user.tenantId(), user.id(), SessionLevel.ENROL_MFA,
                "", "192.0.2.1", T0, T0, T0.plusSeconds(60), Optional.empty(), Optional.empty());
        inTx((Repositories r) -> {
            r.sessions().create(server(), noDevice);
            return null;
        });
        assertThat(inTx((Repositories r) -> r.sessions().byId(server(), noDevice.id()))).contains(noDevice);
    }

    // ---------------------------------------------------------------- credentials

    @Test
    default void credentialsAreCreatedListedTouchedAndRevoked() {
        User user = aUser(aTenant());
        Scope mine = userScope(user);
        Credential first = newCredential(user, CredentialKind.APP_PASSWORD, T0);
        Credential expired = credential(user, CredentialKind.APP_PASSWORD, T0.plusSeconds(1),
                Optional.of(T0.plusSeconds(2)));
        inTx((Repositories r) -> {
            r.credentials().create(mine, expired);
            return null;
        });
        Credential token = newCredential(user, CredentialKind.API_TOKEN, T0.plusSeconds(3));

        assertThat(inTx((Repositories r) -> r.credentials().byId(mine, first.id())).orElseThrow())
                .usingRecursiveComparison().isEqualTo(first);
        assertThat(inTx((Repositories r) -> r.credentials().listUnrevoked(mine, user.id(), CredentialKind.APP_PASSWORD)))
                .extracting(Credential::id).containsExactly(expired.id(), first.id());
        assertThat(inTx((Repositories r) -> r.credentials().listUnrevoked(mine, user.id(), CredentialKind.API_TOKEN)))
                .extracting(Credential::id).containsExactly(token.id());

        inTx((Repositories r) -> {
            r.credentials().touch(mine, first.id(), T0.plusSeconds(10));
            return null;
        });
        assertThat(inTx((Repositories r) -> r.credentials().byId(mine, first.id())).orElseThrow().lastUsedAt())
                .contains(T0.plusSeconds(10));

        assertThat(inTx((Repositories r) -> r.credentials().revoke(mine, first.id(), T0.plusSeconds(20)))).isTrue();
        assertThat(inTx((Repositories r) -> r.credentials().revoke(mine, first.id(), T0.plusSeconds(21)))).isFalse();
        Credential revoked = inTx((Repositories r) -> r.credentials().byId(mine, first.id())).orElseThrow();
        assertThat(revoked.revokedAt()).contains(T0.plusSeconds(20));
        assertThat(revoked.usableAt(T0.plusSeconds(30))).isFalse();
        assertThat(inTx((Repositories r) -> r.credentials().listUnrevoked(mine, user.id(), CredentialKind.APP_PASSWORD)))
                .extracting(Credential::id).containsExactly(expired.id());

        assertThat(inTx((Repositories r) -> r.credentials().revokeAllOf(mine, user.id(), T0.plusSeconds(40)))).isEqualTo(2);
        assertThat(inTx((Repositories r) -> r.credentials().listUnrevoked(mine, user.id(), CredentialKind.API_TOKEN))).isEmpty();
        assertThat(inTx((Repositories r) -> r.credentials().byId(mine, CredentialId.random()))).isEmpty();
    }

    @Test
    default void credentialsOfAnotherUserAreInvisibleAndUntouchable() {
        People p = people();
        Credential c = newCredential(p.a1(), CredentialKind.APP_PASSWORD, T0);
        for (Scope outsider : List.of(userScope(p.a2()), tenantScope(p.b().id()))) {
            assertThat(inTx((Repositories r) -> r.credentials().byId(outsider, c.id()))).isEmpty();
            assertThat(inTx((Repositories r) -> r.credentials().listUnrevoked(outsider, p.a1().id(), CredentialKind.APP_PASSWORD)))
                    .isEmpty();
            assertThat(inTx((Repositories r) -> r.credentials().revoke(outsider, c.id(), T0))).isFalse();
            assertThat(inTx((Repositories r) -> r.credentials().revokeAllOf(outsider, p.a1().id(), T0))).isZero();
            inTx((Repositories r) -> {
                r.credentials().touch(outsider, c.id(), T0.plusSeconds(5));
                return null;
            });
            assertThatThrownBy(() -> inTx((Repositories r) -> {
                r.credentials().create(outsider, credential(p.a1(), CredentialKind.API_TOKEN, T0, Optional.empty()));
                return null;
            })).isInstanceOf(NotFoundException.class);
        }
        Credential after = inTx((Repositories r) -> r.credentials().byId(tenantScope(p.a().id()), c.id())).orElseThrow();
        assertThat(after.revokedAt()).isEmpty();
        assertThat(after.lastUsedAt()).isEmpty();
    }

    @Test
    default void credentialHashesAndScopesAreChecked() {
        User user = aUser(aTenant());
        Credential plainSecret = new Credential(CredentialId.random(), user.tenantId(), user.id(),
                CredentialKind.API_TOKEN, "script", Set.of("send"), bytes("not-a-hash"), T0, Optional.empty(),
                Optional.empty(), Optional.empty());
        Credential spacedScope = new Credential(CredentialId.random(), user.tenantId(), user.id(),
                CredentialKind.API_TOKEN, "script", Set.of("read mail"), randomHash(), T0, Optional.empty(),
                Optional.empty(), Optional.empty());
        for (Credential bad : List.of(plainSecret, spacedScope)) {
            assertThatThrownBy(() -> inTx((Repositories r) -> {
                r.credentials().create(userScope(user), bad);
                return null;
            })).isInstanceOf(InvalidInputException.class);
        }
        assertThat(inTx((Repositories r) -> r.credentials().listUnrevoked(server(), user.id(), CredentialKind.API_TOKEN))).isEmpty();
    }

    // ---------------------------------------------------------------- MFA

    @Test
    default void totpEnrolmentIsReplacedOnlyWhilePending() {
        User user = aUser(aTenant());
        Scope mine = userScope(user);
        assertThat(inTx((Repositories r) -> r.mfa().totp(mine, user.id()))).isEmpty();
        inTx((Repositories r) -> {
            r.mfa().saveUnconfirmed(mine, new TotpEnrolment(user.id(), user.tenantId(), bytes("first"), T0,
                    Optional.empty(), 0));
            r.mfa().saveUnconfirmed(mine, new TotpEnrolment(user.id(), user.tenantId(), bytes("second"),
                    T0.plusSeconds(1), Optional.empty(), 0));
            return null;
        });
        TotpEnrolment pending = inTx((Repositories r) -> r.mfa().totp(mine, user.id())).orElseThrow();
        assertThat(pending.sealedSecret()).isEqualTo(bytes("second"));
        assertThat(pending.confirmed()).isFalse();
        assertThat(inTx((Repositories r) -> r.mfa().useStep(mine, user.id(), 50))).as("a pending enrolment accepts no code").isFalse();

        assertThat(inTx((Repositories r) -> r.mfa().confirm(mine, user.id(), T0.plusSeconds(30), 100))).isTrue();
        assertThat(inTx((Repositories r) -> r.mfa().confirm(mine, user.id(), T0.plusSeconds(60), 101))).isFalse();
        TotpEnrolment confirmed = inTx((Repositories r) -> r.mfa().totp(mine, user.id())).orElseThrow();
        assertThat(confirmed.confirmedAt()).contains(T0.plusSeconds(30));
        assertThat(confirmed.lastUsedStep()).isEqualTo(100);

        assertThatThrownBy(() -> inTx((Repositories r) -> {
            r.mfa().saveUnconfirmed(mine, new TotpEnrolment(user.id(), user.tenantId(), bytes("third"), T0,
                    Optional.empty(), 0));
            return null;
        })).isInstanceOf(ConflictException.class);
        assertThat(inTx((Repositories r) -> r.mfa().totp(mine, user.id())).orElseThrow().sealedSecret()).isEqualTo(bytes("second"));
    }

    @Test
    default void aTotpCodeOfTheLastAcceptedStepOrAnEarlierOneIsRefused() {
        User user = aUser(aTenant());
        Scope mine = userScope(user);
        confirmedTotp(user, 1000);
        assertThat(inTx((Repositories r) -> r.mfa().useStep(mine, user.id(), 1000))).as("same step as confirmation").isFalse();
        assertThat(inTx((Repositories r) -> r.mfa().useStep(mine, user.id(), 999))).as("older step").isFalse();
        assertThat(inTx((Repositories r) -> r.mfa().useStep(mine, user.id(), 1001))).isTrue();
        assertThat(inTx((Repositories r) -> r.mfa().useStep(mine, user.id(), 1001))).as("replay").isFalse();
        assertThat(inTx((Repositories r) -> r.mfa().useStep(mine, user.id(), 1000))).as("older step").isFalse();
        assertThat(inTx((Repositories r) -> r.mfa().useStep(mine, user.id(), 1003))).isTrue();
        assertThat(inTx((Repositories r) -> r.mfa().totp(mine, user.id())).orElseThrow().lastUsedStep()).isEqualTo(1003);
        User without = aUser(aTenant());
        assertThat(inTx((Repositories r) -> r.mfa().useStep(userScope(without), without.id(), 5000))).isFalse();
    }

    @Test
    default void concurrentUsesOfOneTotpStepHaveOneWinner() throws Exception {
        User user = aUser(aTenant());
        confirmedTotp(user, 1000);
        for (int round = 1; round <= 5; round++) {
            long step = 1000 + round;
            List<Boolean> results = race(2, () -> inTx((Repositories r) -> r.mfa().useStep(userScope(user), user.id(), step)));
            assertThat(results).as("step " + step).containsExactlyInAnyOrder(true, false);
        }
    }

    @Test
    default void recoveryCodesAreSingleUseAndReplacedTogether() {
        User user = aUser(aTenant());
        Scope mine = userScope(user);
        byte[] one = sha256("one");
        byte[] two = sha256("two");
        inTx((Repositories r) -> {
            r.mfa().replaceRecoveryCodes(mine, user.id(), List.of(one, two, sha256("three")), T0);
            return null;
        });
        assertThat(inTx((Repositories r) -> r.mfa().unusedRecoveryCodes(mine, user.id()))).isEqualTo(3);
        assertThat(inTx((Repositories r) -> r.mfa().useRecoveryCode(mine, user.id(), one.clone(), T0.plusSeconds(1)))).isTrue();
        assertThat(inTx((Repositories r) -> r.mfa().useRecoveryCode(mine, user.id(), one, T0.plusSeconds(2)))).isFalse();
        assertThat(inTx((Repositories r) -> r.mfa().useRecoveryCode(mine, user.id(), sha256("unknown"), T0))).isFalse();
        assertThat(inTx((Repositories r) -> r.mfa().unusedRecoveryCodes(mine, user.id()))).isEqualTo(2);

        inTx((Repositories r) -> {
            r.mfa().replaceRecoveryCodes(mine, user.id(), List.of(sha256("four"), sha256("five")), T0.plusSeconds(3));
            return null;
        });
        assertThat(inTx((Repositories r) -> r.mfa().useRecoveryCode(mine, user.id(), two, T0.plusSeconds(4)))).as("replaced").isFalse();
        assertThat(inTx((Repositories r) -> r.mfa().unusedRecoveryCodes(mine, user.id()))).isEqualTo(2);
        assertThat(inTx((Repositories r) -> r.mfa().useRecoveryCode(mine, user.id(), sha256("four"), T0.plusSeconds(5)))).isTrue();
        assertThatThrownBy(() -> inTx((Repositories r) -> {
            r.mfa().replaceRecoveryCodes(mine, user.id(), List.of(one, one.clone()), T0);
            return null;
        })).isInstanceOf(InvalidInputException.class);
    }

    @Test
    default void deletingMfaRemovesTheEnrolmentAndTheRecoveryCodes() {
        User user = aUser(aTenant());
        Scope mine = userScope(user);
        confirmedTotp(user, 10);
        inTx((Repositories r) -> {
            r.mfa().replaceRecoveryCodes(mine, user.id(), List.of(sha256("a"), sha256("b")), T0);
            return null;
        });
        assertThat(inTx((Repositories r) -> r.mfa().delete(mine, user.id()))).isTrue();
        assertThat(inTx((Repositories r) -> r.mfa().totp(mine, user.id()))).isEmpty();
        assertThat(inTx((Repositories r) -> r.mfa().unusedRecoveryCodes(mine, user.id()))).isZero();
        assertThat(inTx((Repositories r) -> r.mfa().delete(mine, user.id()))).isFalse();
        // After deletion the user may enrol again.
        inTx((Repositories r) -> {
            r.mfa().saveUnconfirmed(mine, new TotpEnrolment(user.id(), user.tenantId(), bytes("new"), T0,
                    Optional.empty(), 0));
            return null;
        });
        assertThat(inTx((Repositories r) -> r.mfa().totp(mine, user.id()))).isPresent();
    }

    @Test
    default void mfaOfAnotherUserIsInvisibleAndUntouchable() {
        People p = people();
        confirmedTotp(p.a1(), 100);
        inTx((Repositories r) -> {
            r.mfa().replaceRecoveryCodes(userScope(p.a1()), p.a1().id(), List.of(sha256("code")), T0);
            return null;
        });
        for (Scope outsider : List.of(userScope(p.a2()), tenantScope(p.b().id()))) {
            assertThat(inTx((Repositories r) -> r.mfa().totp(outsider, p.a1().id()))).isEmpty();
            assertThat(inTx((Repositories r) -> r.mfa().useStep(outsider, p.a1().id(), 200))).isFalse();
            assertThat(inTx((Repositories r) -> r.mfa().confirm(outsider, p.a1().id(), T0, 200))).isFalse();
            assertThat(inTx((Repositories r) -> r.mfa().useRecoveryCode(outsider, p.a1().id(), sha256("code"), T0))).isFalse();
            assertThat(inTx((Repositories r) -> r.mfa().unusedRecoveryCodes(outsider, p.a1().id()))).isZero();
            assertThat(inTx((Repositories r) -> r.mfa().delete(outsider, p.a1().id()))).isFalse();
            assertThatThrownBy(() -> inTx((Repositories r) -> {
                r.mfa().replaceRecoveryCodes(outsider, p.a1().id(), List.of(sha256("mine now")), T0);
                return null;
            })).isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> inTx((Repositories r) -> {
                r.mfa().saveUnconfirmed(outsider, new TotpEnrolment(p.a1().id(), p.a().id(), bytes("evil"), T0,
                        Optional.empty(), 0));
                return null;
            })).isInstanceOf(NotFoundException.class);
        }
        Scope owner = userScope(p.a1());
        assertThat(inTx((Repositories r) -> r.mfa().totp(owner, p.a1().id())).orElseThrow().lastUsedStep()).isEqualTo(100);
        assertThat(inTx((Repositories r) -> r.mfa().unusedRecoveryCodes(owner, p.a1().id()))).isEqualTo(1);
    }

    // ---------------------------------------------------------------- invites

    @Test
    default void inviteIsFoundByTokenListedAndUsedOnce() {
        Tenant a = aTenant();
        Scope admin = tenantScope(a.id());
        Invite older = invite(a.id(), Role.USER, T0, Duration.ofDays(7));
        Invite newer = invite(a.id(), Role.TENANT_ADMIN, T0.plusSeconds(1), Duration.ofDays(7));
        inTx((Repositories r) -> {
            r.invites().create(admin, older);
            r.invites().create(admin, newer);
            return null;
        });
        assertThat(inTx((Repositories r) -> r.invites().byTokenHash(server(), older.tokenHash().clone())).orElseThrow())
                .usingRecursiveComparison().isEqualTo(older);
        assertThat(inTx((Repositories r) -> r.invites().byTokenHash(server(), randomHash()))).isEmpty();
        assertThat(inTx((Repositories r) -> r.invites().list(admin, a.id()))).extracting(Invite::id).containsExactly(newer.id(), older.id());

        assertThat(inTx((Repositories r) -> r.invites().markUsed(server(), older.id(), T0.plusSeconds(60)))).isTrue();
        assertThat(inTx((Repositories r) -> r.invites().markUsed(server(), older.id(), T0.plusSeconds(61)))).isFalse();
        Invite used = inTx((Repositories r) -> r.invites().byTokenHash(admin, older.tokenHash())).orElseThrow();
        assertThat(used.usedAt()).contains(T0.plusSeconds(60));
        assertThat(used.usableAt(T0.plusSeconds(62))).isFalse();
        assertThat(inTx((Repositories r) -> r.invites().markUsed(server(), InviteId.random(), T0))).isFalse();
    }

    @Test
    default void anExpiredInviteCannotBeUsed() {
        Tenant a = aTenant();
        Invite invite = invite(a.id(), Role.USER, T0, Duration.ofHours(1));
        inTx((Repositories r) -> {
            r.invites().create(server(), invite);
            return null;
        });
        assertThat(inTx((Repositories r) -> r.invites().markUsed(server(), invite.id(), invite.expiresAt()))).isFalse();
        assertThat(inTx((Repositories r) -> r.invites().markUsed(server(), invite.id(), invite.expiresAt().plusSeconds(1)))).isFalse();
        assertThat(inTx((Repositories r) -> r.invites().markUsed(server(), invite.id(), invite.expiresAt().minusMillis(1)))).isTrue();
    }

    @Test
    default void invitesBelongToTheirTenantAndUsersSeeNone() {
        People p = people();
        Invite invite = invite(p.a().id(), Role.USER, T0, Duration.ofDays(1));
        inTx((Repositories r) -> {
            r.invites().create(tenantScope(p.a().id()), invite);
            return null;
        });
        for (Scope outsider : List.of(tenantScope(p.b().id()), userScope(p.a1()), userScope(p.b1()))) {
            assertThat(inTx((Repositories r) -> r.invites().byTokenHash(outsider, invite.tokenHash()))).isEmpty();
            assertThat(inTx((Repositories r) -> r.invites().list(outsider, p.a().id()))).isEmpty();
            assertThat(inTx((Repositories r) -> r.invites().markUsed(outsider, invite.id(), T0.plusSeconds(1)))).isFalse();
            assertThatThrownBy(() -> inTx((Repositories r) -> {
                r.invites().create(outsider, invite(p.a().id(), Role.USER, T0, Duration.ofDays(1)));
                return null;
            })).isInstanceOf(NotFoundException.class);
        }
        assertThat(inTx((Repositories r) -> r.invites().byTokenHash(server(), invite.tokenHash())).orElseThrow().usedAt()).isEmpty();
        assertThatThrownBy(() -> inTx((Repositories r) -> {
            r.invites().create(tenantScope(p.a().id()), invite(p.a().id(), Role.SERVER_ADMIN, T0, Duration.ofDays(1)));
            return null;
        })).isInstanceOf(AccessDeniedException.class);
        Invite serverAdmin = invite(p.a().id(), Role.SERVER_ADMIN, T0, Duration.ofDays(1));
        inTx((Repositories r) -> {
            r.invites().create(server(), serverAdmin);
            return null;
        });
        assertThat(inTx((Repositories r) -> r.invites().byTokenHash(server(), serverAdmin.tokenHash()))).isPresent();
        assertThatThrownBy(() -> inTx((Repositories r) -> {
            r.invites().create(server(), invite(TenantId.random(), Role.USER, T0, Duration.ofDays(1)));
            return null;
        })).isInstanceOf(NotFoundException.class);
    }

    // ---------------------------------------------------------------- one-time codes

    @Test
    default void codeIsFoundAndUsedOnce() {
        User user = aUser(aTenant());
        Scope mine = userScope(user);
        OneTimeCode code = newCode(user, CodePurpose.VERIFY_EMAIL, T0);
        Instant now = T0.plusSeconds(30);
        assertThat(inTx((Repositories r) -> r.oneTimeCodes().latestUsable(mine, user.id(), CodePurpose.VERIFY_EMAIL, now))
                .orElseThrow()).usingRecursiveComparison().isEqualTo(code);
        assertThat(inTx((Repositories r) -> r.oneTimeCodes().latestUsable(mine, user.id(), CodePurpose.RECOVERY, now))).isEmpty();
        assertThat(inTx((Repositories r) -> r.oneTimeCodes().byHash(mine, CodePurpose.VERIFY_EMAIL, code.codeHash().clone())))
                .isPresent();
        assertThat(inTx((Repositories r) -> r.oneTimeCodes().byHash(mine, CodePurpose.RECOVERY, code.codeHash()))).isEmpty();

        assertThat(inTx((Repositories r) -> r.oneTimeCodes().markUsed(mine, code.id(), now))).isTrue();
        assertThat(inTx((Repositories r) -> r.oneTimeCodes().markUsed(mine, code.id(), now.plusSeconds(1)))).isFalse();
        assertThat(inTx((Repositories r) -> r.oneTimeCodes().latestUsable(mine, user.id(), CodePurpose.VERIFY_EMAIL, now))).isEmpty();
        assertThat(inTx((Repositories r) -> r.oneTimeCodes().byHash(mine, CodePurpose.VERIFY_EMAIL, code.codeHash())).orElseThrow()
                .usedAt()).contains(now);
        assertThat(inTx((Repositories r) -> r.oneTimeCodes().markUsed(mine, UUID.randomUUID(), now))).isFalse();
    }

    @Test
    default void aNewCodeVoidsTheUsersEarlierCodesOfTheSamePurposeOnly() {
        People p = people();
        OneTimeCode first = newCode(p.a1(), CodePurpose.VERIFY_EMAIL, T0);
        OneTimeCode recovery = newCode(p.a1(), CodePurpose.RECOVERY, T0.plusSeconds(1));
        OneTimeCode othersCode = newCode(p.a2(), CodePurpose.VERIFY_EMAIL, T0.plusSeconds(2));
        OneTimeCode second = newCode(p.a1(), CodePurpose.VERIFY_EMAIL, T0.plusSeconds(3));
        Instant now = T0.plusSeconds(10);

        assertThat(inTx((Repositories r) -> r.oneTimeCodes().byHash(server(), CodePurpose.VERIFY_EMAIL, first.codeHash()))
                .orElseThrow().usedAt()).contains(second.createdAt());
        assertThat(inTx((Repositories r) -> r.oneTimeCodes().markUsed(server(), first.id(), now))).isFalse();
        assertThat(inTx((Repositories r) -> r.oneTimeCodes().latestUsable(server(), p.a1().id(), CodePurpose.VERIFY_EMAIL, now))
                .orElseThrow().id()).isEqualTo(second.id());
        assertThat(inTx((Repositories r) -> r.oneTimeCodes().latestUsable(server(), p.a1().id(), CodePurpose.RECOVERY, now))
                .orElseThrow().id()).isEqualTo(recovery.id());
        assertThat(inTx((Repositories r) -> r.oneTimeCodes().latestUsable(server(), p.a2().id(), CodePurpose.VERIFY_EMAIL, now))
                .orElseThrow().id()).isEqualTo(othersCode.id());
    }

    @Test
    default void anExpiredCodeIsNeitherOfferedNorUsable() {
        User user = aUser(aTenant());
        Scope mine = userScope(user);
        OneTimeCode code = newCode(user, CodePurpose.MFA_CHALLENGE, T0);
        assertThat(inTx((Repositories r) -> r.oneTimeCodes().latestUsable(mine, user.id(), CodePurpose.MFA_CHALLENGE, code.expiresAt())))
                .isEmpty();
        assertThat(inTx((Repositories r) -> r.oneTimeCodes().markUsed(mine, code.id(), code.expiresAt()))).isFalse();
        assertThat(inTx((Repositories r) -> r.oneTimeCodes().markUsed(mine, code.id(), code.expiresAt().plusSeconds(60)))).isFalse();
        assertThat(inTx((Repositories r) -> r.oneTimeCodes().markUsed(mine, code.id(), code.expiresAt().minusMillis(1)))).isTrue();
    }

    @Test
    default void wrongGuessesAreCountedPerCode() {
        People p = people();
        OneTimeCode code = newCode(p.a1(), CodePurpose.RECOVERY, T0);
        Scope mine = userScope(p.a1());
        assertThat(inTx((Repositories r) -> r.oneTimeCodes().countAttempt(mine, code.id()))).isEqualTo(1);
        assertThat(inTx((Repositories r) -> r.oneTimeCodes().countAttempt(mine, code.id()))).isEqualTo(2);
        assertThat(inTx((Repositories r) -> r.oneTimeCodes().countAttempt(mine, code.id()))).isEqualTo(3);
        assertThat(inTx((Repositories r) -> r.oneTimeCodes().countAttempt(mine, UUID.randomUUID()))).isZero();
        assertThat(inTx((Repositories r) -> r.oneTimeCodes().countAttempt(userScope(p.a2()), code.id()))).isZero();
        assertThat(inTx((Repositories r) -> r.oneTimeCodes().latestUsable(mine, p.a1().id(), CodePurpose.RECOVERY, T0)).orElseThrow()
                .attempts()).isEqualTo(3);
    }

    @Test
    default void codesOfAnotherUserAreInvisibleAndUntouchable() {
        People p = people();
        OneTimeCode code = newCode(p.a1(), CodePurpose.RECOVERY, T0);
        for (Scope outsider : List.of(userScope(p.a2()), tenantScope(p.b().id()))) {
            assertThat(inTx((Repositories r) -> r.oneTimeCodes().latestUsable(outsider, p.a1().id(), CodePurpose.RECOVERY, T0)))
                    .isEmpty();
            assertThat(inTx((Repositories r) -> r.oneTimeCodes().byHash(outsider, CodePurpose.RECOVERY, code.codeHash()))).isEmpty();
            assertThat(inTx((Repositories r) -> r.oneTimeCodes().markUsed(outsider, code.id(), T0))).isFalse();
            assertThatThrownBy(() -> inTx((Repositories r) -> {
                r.oneTimeCodes().create(outsider, code(p.a1(), CodePurpose.RECOVERY, randomHash(), T0,
                        Duration.ofMinutes(5)));
                return null;
            })).isInstanceOf(NotFoundException.class);
        }
        assertThat(inTx((Repositories r) -> r.oneTimeCodes().latestUsable(userScope(p.a1()), p.a1().id(), CodePurpose.RECOVERY, T0))
                .orElseThrow().id()).isEqualTo(code.id());
    }

    // ---------------------------------------------------------------- sign-in throttling and history

    @Test
    default void concurrentFailuresCountedUnderTheRowLockAreNeverLost() throws Exception {
        String key = "ip:" + unique("198.51.100");
        int threads = 8;
        race(threads, () -> inTx((Repositories r) -> {
            Optional<ThrottleState> before = r.signIns().throttleForUpdate(server(), key, T0);
            int failures = before.map(ThrottleState::failures).orElse(0) + 1;
            r.signIns().saveThrottle(server(), new ThrottleState(key, failures, T0, T0, Optional.empty()));
            return failures;
        }));
        assertThat(inTx((Repositories r) -> r.signIns().throttle(server(), key))).get()
                .extracting(ThrottleState::failures).isEqualTo(threads);
        assertThat(inTx((Repositories r) -> r.signIns().throttleForUpdate(server(), unique("ip:none"), T0)))
                .as("nothing counted yet reads as empty").isEmpty();
    }

    @Test
    default void throttleStateIsSavedReplacedAndCleared() {
        String key = "ip:" + unique("192.0.2");
        assertThat(inTx((Repositories r) -> r.signIns().throttle(server(), key))).isEmpty();
        ThrottleState one = new ThrottleState(key, 1, T0, T0, Optional.empty());
        ThrottleState locked = new ThrottleState(key, 5, T0, T0.plusSeconds(40), Optional.of(T0.plusSeconds(340)));
        inTx((Repositories r) -> {
            r.signIns().saveThrottle(server(), one);
            return null;
        });
        assertThat(inTx((Repositories r) -> r.signIns().throttle(server(), key))).contains(one);
        inTx((Repositories r) -> {
            r.signIns().saveThrottle(server(), locked);
            return null;
        });
        assertThat(inTx((Repositories r) -> r.signIns().throttle(server(), key))).contains(locked);
        inTx((Repositories r) -> {
            r.signIns().clearThrottle(server(), key);
            return null;
        });
        assertThat(inTx((Repositories r) -> r.signIns().throttle(server(), key))).isEmpty();
    }

    @Test
    default void purgingTheThrottleKeepsRecentFailuresAndRunningLocks() {
        // Far in the past, so that no other test's rows fall before the cut.
        Instant base = Instant.parse("1970-01-02T00:00:00Z");
        Instant before = base.plus(Duration.ofDays(2));
        String stale = "ip:" + unique("stale");
        String stillLocked = "ip:" + unique("locked");
        String recent = "ip:" + unique("recent");
        inTx((Repositories r) -> {
            r.signIns().saveThrottle(server(), new ThrottleState(stale, 3, base, base, Optional.of(base.plusSeconds(60))));
            r.signIns().saveThrottle(server(), new ThrottleState(stillLocked, 9, base, base,
                    Optional.of(before.plusSeconds(1))));
            r.signIns().saveThrottle(server(), new ThrottleState(recent, 1, before, before, Optional.empty()));
            return null;
        });
        assertThat(inTx((Repositories r) -> r.signIns().purgeThrottleBefore(server(), before))).isEqualTo(1);
        assertThat(inTx((Repositories r) -> r.signIns().throttle(server(), stale))).isEmpty();
        assertThat(inTx((Repositories r) -> r.signIns().throttle(server(), stillLocked))).isPresent();
        assertThat(inTx((Repositories r) -> r.signIns().throttle(server(), recent))).isPresent();
    }

    @Test
    default void throttlingNeedsAServerWideScope() {
        People p = people();
        String key = "ip:" + unique("192.0.2");
        ThrottleState state = new ThrottleState(key, 1, T0, T0, Optional.empty());
        inTx((Repositories r) -> {
            r.signIns().saveThrottle(server(), state);
            return null;
        });
        for (Scope narrow : List.of(tenantScope(p.a().id()), userScope(p.a1()))) {
            assertThatThrownBy(() -> inTx((Repositories r) -> r.signIns().throttle(narrow, key)))
                    .isInstanceOf(AccessDeniedException.class);
            assertThatThrownBy(() -> inTx((Repositories r) -> {
                r.signIns().saveThrottle(narrow, new ThrottleState(key, 0, T0, T0, Optional.empty()));
                return null;
            })).isInstanceOf(AccessDeniedException.class);
            assertThatThrownBy(() -> inTx((Repositories r) -> {
                r.signIns().clearThrottle(narrow, key);
                return null;
            })).isInstanceOf(AccessDeniedException.class);
            assertThatThrownBy(() -> inTx((Repositories r) -> r.signIns().purgeThrottleBefore(narrow, T0.plusSeconds(1))))
                    .isInstanceOf(AccessDeniedException.class);
        }
        assertThat(inTx((Repositories r) -> r.signIns().throttle(server(), key))).contains(state);
    }

    @Test
    default void signInHistoryRecognisesDevicesAndAddresses() {
        People p = people();
        Scope mine = userScope(p.a1());
        String laptop = deviceHash("Firefox/150");
        String phone = deviceHash("K-9/8");
        assertThat(inTx((Repositories r) -> r.signIns().lastSignIn(mine, p.a1().id()))).isEmpty();
        SignInRecord first = new SignInRecord(p.a().id(), p.a1().id(), "192.0.2.1", laptop, T0, Optional.empty(),
                Optional.empty());
        SignInRecord second = new SignInRecord(p.a().id(), p.a1().id(), "2001:db8::1", phone, T0.plusSeconds(3600),
                Optional.of(52.37), Optional.of(4.89));
        inTx((Repositories r) -> {
            r.signIns().recordSignIn(mine, second);
            r.signIns().recordSignIn(mine, first);
            return null;
        });
        assertThat(inTx((Repositories r) -> r.signIns().lastSignIn(mine, p.a1().id()))).contains(second);
        assertThat(inTx((Repositories r) -> r.signIns().seenDevice(mine, p.a1().id(), laptop))).isTrue();
        assertThat(inTx((Repositories r) -> r.signIns().seenDevice(mine, p.a1().id(), deviceHash("Lynx")))).isFalse();
        assertThat(inTx((Repositories r) -> r.signIns().seenIp(mine, p.a1().id(), "2001:db8::1"))).isTrue();
        assertThat(inTx((Repositories r) -> r.signIns().seenIp(mine, p.a1().id(), "203.0.113.5"))).isFalse();

        // Another user's history is not this user's, and another scope sees none of it.
        assertThat(inTx((Repositories r) -> r.signIns().seenDevice(server(), p.a2().id(), laptop))).isFalse();
        for (Scope outsider : List.of(userScope(p.a2()), tenantScope(p.b().id()))) {
            assertThat(inTx((Repositories r) -> r.signIns().lastSignIn(outsider, p.a1().id()))).isEmpty();
            assertThat(inTx((Repositories r) -> r.signIns().seenDevice(outsider, p.a1().id(), laptop))).isFalse();
            assertThat(inTx((Repositories r) -> r.signIns().seenIp(outsider, p.a1().id(), "192.0.2.1"))).isFalse();
            assertThatThrownBy(() -> inTx((Repositories r) -> {
                r.signIns().recordSignIn(outsider, first);
                return null;
            })).isInstanceOf(NotFoundException.class);
        }
        assertThatThrownBy(() -> inTx((Repositories r) -> {
            r.signIns().recordSignIn(mine, new SignInRecord(p.a().id(), p.a1().id(), "192.0.2.1", "Firefox/150", T0,
                    Optional.empty(), Optional.empty()));
            return null;
        })).as("the device is stored only as a hash").isInstanceOf(InvalidInputException.class);
    }

    // ---------------------------------------------------------------- security settings

    @Test
    default void accountSettingsAreDefaultsUntilSaved() {
        User user = aUser(aTenant());
        Scope mine = userScope(user);
        assertThat(inTx((Repositories r) -> r.securitySettings().account(mine, user.tenantId(), user.id())))
                .isEqualTo(AccountSecurity.defaults(user.tenantId(), user.id()));
        AccountSecurity invited = new AccountSecurity(user.id(), user.tenantId(),
                Optional.of(EmailAddress.parse("me@elsewhere.example")), false, Optional.empty());
        inTx((Repositories r) -> {
            r.securitySettings().saveAccount(tenantScope(user.tenantId()), invited);
            return null;
        });
        assertThat(inTx((Repositories r) -> r.securitySettings().account(mine, user.tenantId(), user.id()))).isEqualTo(invited);
        AccountSecurity verified = new AccountSecurity(user.id(), user.tenantId(), invited.recoveryAddress(), true,
                Optional.of(T0));
        inTx((Repositories r) -> {
            r.securitySettings().saveAccount(mine, verified);
            return null;
        });
        assertThat(inTx((Repositories r) -> r.securitySettings().account(server(), user.tenantId(), user.id()))).isEqualTo(verified);
    }

    @Test
    default void accountSettingsOfAnotherUserAreNotFound() {
        People p = people();
        for (Scope outsider : List.of(userScope(p.a2()), tenantScope(p.b().id()))) {
            assertThatThrownBy(() -> inTx((Repositories r) -> r.securitySettings().account(outsider, p.a().id(), p.a1().id())))
                    .isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> inTx((Repositories r) -> {
                r.securitySettings().saveAccount(outsider, AccountSecurity.defaults(p.a().id(), p.a1().id()));
                return null;
            })).isInstanceOf(NotFoundException.class);
        }
        // A user named under the wrong tenant, and a user that does not exist.
        assertThatThrownBy(() -> inTx((Repositories r) -> r.securitySettings().account(server(), p.b().id(), p.a1().id())))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> inTx((Repositories r) -> r.securitySettings().account(server(), p.a().id(), UserId.random())))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> inTx((Repositories r) -> {
            r.securitySettings().saveAccount(server(), AccountSecurity.defaults(p.b().id(), p.a1().id()));
            return null;
        })).isInstanceOf(NotFoundException.class);
    }

    @Test
    default void tenantPolicyIsDefaultUntilSavedAndOnlyAdminsChangeIt() {
        People p = people();
        Scope admin = tenantScope(p.a().id());
        assertThat(inTx((Repositories r) -> r.securitySettings().tenant(userScope(p.a1()), p.a().id())))
                .isEqualTo(TenantPolicy.defaults(p.a().id()));
        TenantPolicy strict = new TenantPolicy(p.a().id(), true, RiskMode.ENFORCED);
        inTx((Repositories r) -> {
            r.securitySettings().saveTenant(admin, strict);
            return null;
        });
        assertThat(inTx((Repositories r) -> r.securitySettings().tenant(userScope(p.a1()), p.a().id()))).isEqualTo(strict);
        TenantPolicy lax = new TenantPolicy(p.a().id(), false, RiskMode.OFF);
        inTx((Repositories r) -> {
            r.securitySettings().saveTenant(server(), lax);
            return null;
        });
        assertThat(inTx((Repositories r) -> r.securitySettings().tenant(admin, p.a().id()))).isEqualTo(lax);
        assertThat(inTx((Repositories r) -> r.securitySettings().tenant(server(), p.b().id()))).isEqualTo(TenantPolicy.defaults(p.b().id()));

        assertThatThrownBy(() -> inTx((Repositories r) -> {
            r.securitySettings().saveTenant(userScope(p.a1()), strict);
            return null;
        })).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> inTx((Repositories r) -> r.securitySettings().tenant(tenantScope(p.b().id()), p.a().id())))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> inTx((Repositories r) -> {
            r.securitySettings().saveTenant(tenantScope(p.b().id()), strict);
            return null;
        })).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> inTx((Repositories r) -> r.securitySettings().tenant(server(), TenantId.random())))
                .isInstanceOf(NotFoundException.class);
        assertThat(inTx((Repositories r) -> r.securitySettings().tenant(server(), p.a().id()))).isEqualTo(lax);
    }

    @Test
    default void tenantLimitsAreNoneUntilSavedAndOnlyAdminsChangeThem() {
        People p = people();
        Scope admin = tenantScope(p.a().id());
        assertThat(inTx((Repositories r) -> r.tenantLimits().get(userScope(p.a1()), p.a().id())))
                .isEqualTo(TenantLimits.none(p.a().id()));
        TenantLimits tight = new TenantLimits(p.a().id(), OptionalLong.of(2048), OptionalInt.of(3), OptionalInt.of(5));
        inTx((Repositories r) -> {
            r.tenantLimits().save(admin, tight);
            return null;
        });
        assertThat(inTx((Repositories r) -> r.tenantLimits().get(userScope(p.a1()), p.a().id()))).isEqualTo(tight);
        assertThat(tight.over(new SubmissionLimits(10_000, 100, 200))).isEqualTo(new SubmissionLimits(2048, 3, 5));
        // One override kept, the others back to the server's defaults (stored as NULL).
        TenantLimits partial = new TenantLimits(p.a().id(), OptionalLong.empty(), OptionalInt.of(7), OptionalInt.empty());
        inTx((Repositories r) -> {
            r.tenantLimits().save(server(), partial);
            return null;
        });
        assertThat(inTx((Repositories r) -> r.tenantLimits().get(admin, p.a().id()))).isEqualTo(partial);
        assertThat(partial.over(new SubmissionLimits(10_000, 100, 200))).isEqualTo(new SubmissionLimits(10_000, 7, 200));
        // Another tenant is untouched.
        assertThat(inTx((Repositories r) -> r.tenantLimits().get(server(), p.b().id())))
                .isEqualTo(TenantLimits.none(p.b().id()));

        assertThatThrownBy(() -> inTx((Repositories r) -> {
            r.tenantLimits().save(userScope(p.a1()), tight);
            return null;
        })).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> inTx((Repositories r) -> r.tenantLimits().get(tenantScope(p.b().id()), p.a().id())))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> inTx((Repositories r) -> r.tenantLimits().get(userScope(p.b1()), p.a().id())))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> inTx((Repositories r) -> {
            r.tenantLimits().save(tenantScope(p.b().id()), tight);
            return null;
        })).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> inTx((Repositories r) -> r.tenantLimits().get(server(), TenantId.random())))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> new TenantLimits(p.a().id(), OptionalLong.of(1023), OptionalInt.empty(),
                OptionalInt.empty())).isInstanceOf(InvalidInputException.class).hasMessageContaining("max_message_bytes");
        assertThatThrownBy(() -> new TenantLimits(p.a().id(), OptionalLong.empty(), OptionalInt.of(10_001),
                OptionalInt.empty())).isInstanceOf(InvalidInputException.class).hasMessageContaining("max_recipients");
        assertThat(inTx((Repositories r) -> r.tenantLimits().get(server(), p.a().id()))).isEqualTo(partial);

        // Saving no overrides at all removes them.
        inTx((Repositories r) -> {
            r.tenantLimits().save(admin, TenantLimits.none(p.a().id()));
            return null;
        });
        assertThat(inTx((Repositories r) -> r.tenantLimits().get(server(), p.a().id())))
                .isEqualTo(TenantLimits.none(p.a().id()));
    }

    // ---------------------------------------------------------------- audit log

    @Test
    default void auditEntriesFormAChainInSeqOrder() {
        User user = aUser(aTenant());
        long before = lastAuditSeq();
        AuditEntry first = auditAbout(user, "signin");
        AuditEntry second = audit(Optional.empty(), Optional.empty(), "server.start");
        AuditEntry third = auditAbout(user, "session.revoke");
        assertThat(first.seq()).isEqualTo(before + 1);
        assertThat(second.seq()).isEqualTo(before + 2);
        assertThat(third.seq()).isEqualTo(before + 3);
        List<AuditEntry> scanned = inTx((Repositories r) -> r.audit().scan(server(), before, 10));
        assertThat(scanned).hasSize(3);
        assertThat(scanned.get(0)).usingRecursiveComparison().isEqualTo(first);
        assertThat(scanned.get(1)).usingRecursiveComparison().isEqualTo(second);
        assertThat(scanned.get(2)).usingRecursiveComparison().isEqualTo(third);
        assertThat(second.prevHash()).isEqualTo(first.hash());
        assertThat(third.prevHash()).isEqualTo(second.hash());
        assertThat(inTx((Repositories r) -> r.audit().scan(server(), before + 1, 1))).extracting(AuditEntry::seq)
                .containsExactly(before + 2);
    }

    @Test
    default void concurrentAppendsNeverForkTheChain() throws Exception {
        User user = aUser(aTenant());
        int threads = 4;
        int perThread = 25;
        long before = lastAuditSeq();
        List<List<Long>> seqs = race(threads, () -> {
            List<Long> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                mine.add(auditAbout(user, "signin").seq());
            }
            return mine;
        });
        Set<Long> all = new HashSet<>();
        seqs.forEach(all::addAll);
        int total = threads * perThread;
        assertThat(all).hasSize(total);

        List<AuditEntry> chain = inTx((Repositories r) -> r.audit().scan(server(), before, total + 1));
        assertThat(chain).hasSize(total);
        for (int i = 0; i < total; i++) {
            AuditEntry e = chain.get(i);
            assertThat(e.seq()).isEqualTo(before + 1 + i);
            if (i > 0) {
                assertThat(e.prevHash()).as("link to " + (e.seq() - 1)).isEqualTo(chain.get(i - 1).hash());
            }
        }
        assertThat(all).containsExactlyInAnyOrderElementsOf(chain.stream().map(AuditEntry::seq).toList());
    }

    @Test
    default void anEntryThatDoesNotFollowTheLastIsRefusedAndNotStored() {
        User user = aUser(aTenant());
        AuditEntry last = auditAbout(user, "signin");
        Function<Optional<AuditEntry>, AuditEntry> good = auditEntry(Optional.of(user.tenantId()), Optional.of(user.id()),
                "signin");
        Function<Optional<AuditEntry>, AuditEntry> skipsOne = l -> {
            AuditEntry e = good.apply(l);
            return new AuditEntry(e.seq() + 1, e.at(), e.tenantId(), e.subject(), e.actor(), e.action(), e.outcome(),
                    e.ip(), e.userAgent(), e.details(), e.prevHash(), e.hash());
        };
        Function<Optional<AuditEntry>, AuditEntry> forks = l -> {
            AuditEntry e = good.apply(l);
            return new AuditEntry(e.seq(), e.at(), e.tenantId(), e.subject(), e.actor(), e.action(), e.outcome(),
                    e.ip(), e.userAgent(), e.details(), new byte[32], e.hash());
        };
        Function<Optional<AuditEntry>, AuditEntry> repeats = l -> l.orElseThrow();
        for (Function<Optional<AuditEntry>, AuditEntry> bad : List.of(skipsOne, forks, repeats)) {
            assertThatThrownBy(() -> inTx((Repositories r) -> r.audit().append(server(), bad)))
                    .isInstanceOf(IllegalStateException.class);
        }
        assertThat(inTx((Repositories r) -> r.audit().scan(server(), last.seq(), 10))).isEmpty();
        assertThat(inTx((Repositories r) -> r.audit().append(server(), good)).seq()).isEqualTo(last.seq() + 1);
    }

    @Test
    default void appendingToTheAuditLogNeedsAServerWideScope() {
        User user = aUser(aTenant());
        long before = lastAuditSeq();
        Function<Optional<AuditEntry>, AuditEntry> build = auditEntry(Optional.of(user.tenantId()),
                Optional.of(user.id()), "signin");
        for (Scope narrow : List.of(tenantScope(user.tenantId()), userScope(user))) {
            assertThatThrownBy(() -> inTx((Repositories r) -> r.audit().append(narrow, build)))
                    .isInstanceOf(AccessDeniedException.class);
        }
        assertThat(lastAuditSeq()).isEqualTo(before);
    }

    @Test
    default void auditListShowsEachScopeItsOwnEntriesNewestFirstInPages() {
        People p = people();
        AuditEntry a1First = auditAbout(p.a1(), "signin");
        AuditEntry a2Only = auditAbout(p.a2(), "signin");
        AuditEntry a1Second = auditAbout(p.a1(), "mfa.enrol");
        AuditEntry tenantLevel = audit(Optional.of(p.a().id()), Optional.empty(), "policy.change");
        AuditEntry b1Only = auditAbout(p.b1(), "signin");
        AuditEntry serverLevel = audit(Optional.empty(), Optional.empty(), "keys.rotate");
        AuditEntry a1Third = auditAbout(p.a1(), "session.revoke");
        Function<AuditQuery, List<Long>> asA1 = q -> inTx((Repositories r) -> r.audit().list(userScope(p.a1()), q)).stream()
                .map(AuditEntry::seq).toList();

        AuditQuery all = new AuditQuery(Optional.empty(), Optional.empty(), 100);
        assertThat(asA1.apply(all)).containsExactly(a1Third.seq(), a1Second.seq(), a1First.seq());
        assertThat(inTx((Repositories r) -> r.audit().list(tenantScope(p.a().id()), all))).extracting(AuditEntry::seq)
                .containsExactly(a1Third.seq(), tenantLevel.seq(), a1Second.seq(), a2Only.seq(), a1First.seq());
        assertThat(inTx((Repositories r) -> r.audit().list(tenantScope(p.b().id()), all))).extracting(AuditEntry::seq)
                .containsExactly(b1Only.seq());
        assertThat(inTx((Repositories r) -> r.audit().list(server(), all))).extracting(AuditEntry::seq)
                .contains(serverLevel.seq(), b1Only.seq(), a1First.seq());

        // Filtering by subject, within the scope only.
        assertThat(inTx((Repositories r) -> r.audit().list(tenantScope(p.a().id()),
                new AuditQuery(Optional.of(p.a2().id()), Optional.empty(), 100)))).extracting(AuditEntry::seq)
                .containsExactly(a2Only.seq());
        assertThat(inTx((Repositories r) -> r.audit().list(tenantScope(p.a().id()),
                new AuditQuery(Optional.of(p.b1().id()), Optional.empty(), 100)))).isEmpty();
        assertThat(inTx((Repositories r) -> r.audit().list(userScope(p.a1()),
                new AuditQuery(Optional.of(p.a2().id()), Optional.empty(), 100)))).isEmpty();
        assertThat(inTx((Repositories r) -> r.audit().list(server(),
                new AuditQuery(Optional.of(p.a1().id()), Optional.empty(), 100)))).extracting(AuditEntry::seq)
                .containsExactly(a1Third.seq(), a1Second.seq(), a1First.seq());

        // Paging: newest first, then below the last seq seen.
        List<Long> page1 = asA1.apply(new AuditQuery(Optional.empty(), Optional.empty(), 2));
        assertThat(page1).containsExactly(a1Third.seq(), a1Second.seq());
        List<Long> page2 = asA1.apply(new AuditQuery(Optional.empty(), Optional.of(page1.get(1)), 2));
        assertThat(page2).containsExactly(a1First.seq());
        assertThat(asA1.apply(new AuditQuery(Optional.empty(), Optional.of(a1First.seq()), 2))).isEmpty();

        // Scanning is scoped the same way.
        assertThat(inTx((Repositories r) -> r.audit().scan(userScope(p.a1()), a1First.seq() - 1, 100))).extracting(AuditEntry::seq)
                .containsExactly(a1First.seq(), a1Second.seq(), a1Third.seq());
    }

    // ---------------------------------------------------------------- outbox

    @Test
    default void outboxListsEachScopeItsOwnNoticesNewestFirst() {
        People p = people();
        OutboxMessage older = new OutboxMessage(UUID.randomUUID(), p.a().id(), p.a1().id(),
                EmailAddress.parse("one@elsewhere.example"), "verify-email", bytes("sealed 1"), T0);
        OutboxMessage newer = new OutboxMessage(UUID.randomUUID(), p.a().id(), p.a1().id(),
                EmailAddress.parse("one@elsewhere.example"), "security-notice", bytes("sealed 2"), T0.plusSeconds(1));
        OutboxMessage other = new OutboxMessage(UUID.randomUUID(), p.a().id(), p.a2().id(),
                EmailAddress.parse("two@elsewhere.example"), "recovery", bytes("sealed 3"), T0.plusSeconds(2));
        inTx((Repositories r) -> {
            r.outbox().add(userScope(p.a1()), older);
            r.outbox().add(userScope(p.a1()), newer);
            r.outbox().add(tenantScope(p.a().id()), other);
            return null;
        });
        List<OutboxMessage> mine = inTx((Repositories r) -> r.outbox().list(userScope(p.a1()), 10));
        assertThat(mine).extracting(OutboxMessage::id).containsExactly(newer.id(), older.id());
        assertThat(mine.get(1)).usingRecursiveComparison().isEqualTo(older);
        assertThat(inTx((Repositories r) -> r.outbox().list(userScope(p.a1()), 1))).extracting(OutboxMessage::id)
                .containsExactly(newer.id());
        assertThat(inTx((Repositories r) -> r.outbox().list(tenantScope(p.a().id()), 10))).extracting(OutboxMessage::id)
                .containsExactly(other.id(), newer.id(), older.id());
        assertThat(inTx((Repositories r) -> r.outbox().list(tenantScope(p.b().id()), 10))).isEmpty();
        assertThat(inTx((Repositories r) -> r.outbox().list(userScope(p.a2()), 10))).extracting(OutboxMessage::id)
                .containsExactly(other.id());

        assertThatThrownBy(() -> inTx((Repositories r) -> {
            r.outbox().add(userScope(p.a2()), new OutboxMessage(UUID.randomUUID(), p.a().id(), p.a1().id(),
                    EmailAddress.parse("one@elsewhere.example"), "recovery", bytes("x"), T0));
            return null;
        })).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> inTx((Repositories r) -> r.outbox().list(server(), 0))).isInstanceOf(InvalidInputException.class);
    }
}
