package org.postern.auth.throttle;

import org.postern.auth.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.access.AccessPolicy;
import org.postern.store.identity.ThrottleState;
import org.postern.store.sql.SqlMetadataStore;

/** Throttling over a real SQLite database, with a clock the test moves. */
class SignInThrottleTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final String IP = "203.0.113.9";
    private static final String OTHER_IP = "198.51.100.20";

    @TempDir
    Path dir;

    private SqlMetadataStore store;
    private MutableClock clock;
    private SignInThrottle throttle;


    @BeforeEach
    void open() {
        store = SqlMetadataStore.openSqlite(dir.resolve("postern.db"));
        clock = new MutableClock(T0);
        throttle = new SignInThrottle(store, new AccessPolicy(), ThrottlePolicy.DEFAULT, clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void fail(String login, String ip, int times) {
        for (int i = 0; i < times; i++) {
            throttle.failure(login, ip);
        }
    }

    // ---- keys ----------------------------------------------------------------------------------

    @Test
    void keysNameTheAddressAndTheHashedLowercasedLogin() {
        assertThat(SignInThrottle.ipKey(IP)).isEqualTo("ip:203.0.113.9");
        String key = SignInThrottle.accountKey("Alice@Example.ORG", IP);
        assertThat(key).matches("acct:[0-9a-f]{64}\\|ip:203\\.0\\.113\\.9").doesNotContain("alice");
        assertThat(key).isEqualTo(SignInThrottle.accountKey("alice@example.org", IP));
        // sha256("alice@example.org")
        assertThat(key).startsWith("acct:" + java.util.HexFormat.of().formatHex(sha256("alice@example.org")));
        assertThat(SignInThrottle.accountKey("alice@example.org", OTHER_IP)).isNotEqualTo(key);
        assertThat(SignInThrottle.accountKey(null, IP)).isEqualTo(SignInThrottle.accountKey("", IP));
    }

    private static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void ipv6AddressesCountByTheirSlash64() {
        assertThat(SignInThrottle.ipKey("2001:db8:1:2:aaaa::1")).isEqualTo("ip:2001:db8:1:2:0:0:0:0/64");
        assertThat(SignInThrottle.ipKey("2001:DB8:1:2:bbbb:cccc:dddd:eeee")).isEqualTo("ip:2001:db8:1:2:0:0:0:0/64");
        assertThat(SignInThrottle.ipKey("2001:db8:1:3::1")).isNotEqualTo(SignInThrottle.ipKey("2001:db8:1:2::1"));
        assertThat(SignInThrottle.ipKey("::ffff:203.0.113.9")).isEqualTo("ip:203.0.113.9");
    }

    @Test
    void oddAddressTextIsKeptBoundedAndSafe() {
        assertThat(SignInThrottle.ipKey(null)).isEqualTo("ip:unknown");
        assertThat(SignInThrottle.ipKey(" ")).isEqualTo("ip:unknown");
        assertThat(SignInThrottle.ipKey("local")).isEqualTo("ip:local");
        assertThat(SignInThrottle.ipKey("Unknown")).isEqualTo("ip:unknown");
        assertThat(SignInThrottle.ipKey("a|ip:b")).matches("ip:h:[0-9a-f]{64}");
        assertThat(SignInThrottle.ipKey("x".repeat(500))).matches("ip:h:[0-9a-f]{64}");
        assertThat(SignInThrottle.ipKey("with space")).matches("ip:h:[0-9a-f]{64}");
        assertThat(SignInThrottle.accountKey("l".repeat(10_000), "y".repeat(10_000)).length())
                .isLessThanOrEqualTo(ThrottleState.MAX_KEY_CHARS);
    }

    // ---- behaviour -----------------------------------------------------------------------------

    @Test
    void threeFreeFailuresThenGrowingDelaysThenALock() {
        String login = "alice@example.org";
        fail(login, IP, 3);
        assertThat(throttle.check(login, IP)).isEqualTo(new ThrottleDecision.Allow());
        fail(login, IP, 1);
        assertThat(throttle.check(login, IP)).isEqualTo(new ThrottleDecision.Delay(Duration.ofSeconds(1)));
        clock.advance(Duration.ofMillis(400));
        assertThat(throttle.check(login, IP)).isEqualTo(new ThrottleDecision.Delay(Duration.ofMillis(600)));
        clock.advance(Duration.ofMillis(600));
        assertThat(throttle.check(login, IP)).isEqualTo(new ThrottleDecision.Allow());
        fail(login, IP, 1);
        assertThat(throttle.check(login, IP)).isEqualTo(new ThrottleDecision.Delay(Duration.ofSeconds(2)));
        fail(login, IP, 4);
        assertThat(throttle.check(login, IP)).isEqualTo(new ThrottleDecision.Delay(Duration.ofSeconds(16)));
        fail(login, IP, 1);
        Instant lockedAt = clock.instant();
        assertThat(throttle.check(login, IP)).isEqualTo(new ThrottleDecision.Locked(lockedAt.plus(Duration.ofMinutes(15))));
        clock.advance(Duration.ofMinutes(15));
        assertThat(throttle.check(login, IP)).isEqualTo(new ThrottleDecision.Allow());
    }

    @Test
    void aLoginThatDoesNotExistIsTreatedExactlyLikeOneThatDoes() {
        List<ThrottleDecision> real = new ArrayList<>();
        List<ThrottleDecision> ghost = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            throttle.failure("alice@example.org", IP);
            throttle.failure("nobody@example.org", OTHER_IP);
            real.add(throttle.check("alice@example.org", IP));
            ghost.add(throttle.check("nobody@example.org", OTHER_IP));
        }
        assertThat(ghost).isEqualTo(real);
        assertThat(real.getLast()).isInstanceOf(ThrottleDecision.Locked.class);
    }

    @Test
    void anAccountLockedFromOneAddressIsOpenFromAnother() {
        fail("alice@example.org", IP, 10);
        assertThat(throttle.check("alice@example.org", IP)).isInstanceOf(ThrottleDecision.Locked.class);
        assertThat(throttle.check("Alice@Example.org", IP)).isInstanceOf(ThrottleDecision.Locked.class);
        assertThat(throttle.check("alice@example.org", OTHER_IP)).isEqualTo(new ThrottleDecision.Allow());
        assertThat(throttle.check("bob@example.org", IP)).isEqualTo(new ThrottleDecision.Allow());
    }

    @Test
    void successClearsTheAccountFromThatAddressOnly() {
        fail("alice@example.org", IP, 6);
        fail("alice@example.org", OTHER_IP, 6);
        throttle.success("alice@example.org", IP);
        assertThat(throttle.check("alice@example.org", IP)).isEqualTo(new ThrottleDecision.Allow());
        assertThat(throttle.state(SignInThrottle.accountKey("alice@example.org", IP))).isEmpty();
        assertThat(throttle.check("alice@example.org", OTHER_IP)).isInstanceOf(ThrottleDecision.Delay.class);
        assertThat(throttle.state(SignInThrottle.ipKey(IP)).orElseThrow().failures()).isEqualTo(6);
    }

    @Test
    void manyAccountsFromOneAddressLockTheAddress() {
        for (int i = 0; i < 99; i++) {
            throttle.failure("user" + i + "@example.org", IP);
        }
        assertThat(throttle.check("alice@example.org", IP)).isEqualTo(new ThrottleDecision.Allow());
        throttle.failure("user99@example.org", IP);
        ThrottleDecision locked = new ThrottleDecision.Locked(T0.plus(Duration.ofMinutes(15)));
        assertThat(throttle.check("alice@example.org", IP)).isEqualTo(locked);
        assertThat(throttle.check("anyone@example.org", IP)).isEqualTo(locked);
        assertThat(throttle.check("alice@example.org", OTHER_IP)).isEqualTo(new ThrottleDecision.Allow());
    }

    @Test
    void changingAddressWithinAnIpv6Slash64DoesNotEscape() {
        for (int i = 0; i < 10; i++) {
            throttle.failure("alice@example.org", "2001:db8:7:7::" + Integer.toHexString(i + 1));
        }
        assertThat(throttle.check("alice@example.org", "2001:db8:7:7:ffff::1")).isInstanceOf(ThrottleDecision.Locked.class);
        assertThat(throttle.check("alice@example.org", "2001:db8:7:8::1")).isEqualTo(new ThrottleDecision.Allow());
    }

    @Test
    void failuresOlderThanTheWindowAreForgotten() {
        fail("alice@example.org", IP, 9);
        assertThat(throttle.check("alice@example.org", IP)).isInstanceOf(ThrottleDecision.Delay.class);
        clock.advance(Duration.ofMinutes(15));
        assertThat(throttle.check("alice@example.org", IP)).isEqualTo(new ThrottleDecision.Allow());
        fail("alice@example.org", IP, 1);
        assertThat(throttle.state(SignInThrottle.accountKey("alice@example.org", IP)).orElseThrow().failures()).isEqualTo(1);
        assertThat(throttle.check("alice@example.org", IP)).isEqualTo(new ThrottleDecision.Allow());
    }

    @Test
    void everyNodeSeesTheSameCounts() {
        SignInThrottle otherNode = new SignInThrottle(store, new AccessPolicy(), ThrottlePolicy.DEFAULT, clock);
        fail("alice@example.org", IP, 5);
        for (int i = 0; i < 5; i++) {
            otherNode.failure("alice@example.org", IP);
        }
        assertThat(throttle.check("alice@example.org", IP)).isInstanceOf(ThrottleDecision.Locked.class);
        store.close();
        store = SqlMetadataStore.openSqlite(dir.resolve("postern.db"));
        SignInThrottle restarted = new SignInThrottle(store, new AccessPolicy(), ThrottlePolicy.DEFAULT, clock);
        assertThat(restarted.check("alice@example.org", IP)).isInstanceOf(ThrottleDecision.Locked.class);
    }

    @Test
    void concurrentFailuresAreAllCountedOnSqlite() throws Exception {
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                futures.add(pool.submit(() -> throttle.failure("alice@example.org", IP)));
            }
            for (var f : futures) {
                f.get();
            }
        }
        assertThat(throttle.state(SignInThrottle.accountKey("alice@example.org", IP)).orElseThrow().failures()).isEqualTo(30);
        assertThat(throttle.state(SignInThrottle.ipKey(IP)).orElseThrow().failures()).isEqualTo(30);
    }

    @Test
    void purgeRemovesOnlyStatesThatNoLongerMatter() {
        fail("old@example.org", IP, 1);
        clock.advance(Duration.ofMinutes(10));
        fail("recent@example.org", OTHER_IP, 1);
        clock.advance(Duration.ofMinutes(6));
        // old's two keys are 16 minutes old; recent's two are 6.
        assertThat(throttle.purgeExpired()).isEqualTo(2);
        assertThat(throttle.state(SignInThrottle.accountKey("old@example.org", IP))).isEmpty();
        assertThat(throttle.state(SignInThrottle.accountKey("recent@example.org", OTHER_IP))).isPresent();
    }
}
