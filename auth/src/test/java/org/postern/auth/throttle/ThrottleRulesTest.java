package org.postern.auth.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postern.store.identity.ThrottleState;

class ThrottleRulesTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final ThrottlePolicy P = ThrottlePolicy.DEFAULT;
    private final ThrottleRules rules = new ThrottleRules(P);

    private Optional<ThrottleState> account = Optional.empty();
    private Optional<ThrottleState> ip = Optional.empty();

    private void fail(Instant at) {
        account = Optional.of(rules.accountFailure("acct", account, at));
        ip = Optional.of(rules.ipFailure("ip", ip, at));
    }

    private ThrottleDecision decide(Instant at) {
        return rules.decide(account, ip, at);
    }

    @Test
    void theDefaultPolicyIsTheDocumentedOne() {
        assertThat(P).isEqualTo(new ThrottlePolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(16), 10,
                Duration.ofMinutes(15), Duration.ofMinutes(15), 100, Duration.ofMinutes(15)));
    }

    @Test
    void nothingCountedMeansAllow() {
        assertThat(decide(T0)).isEqualTo(new ThrottleDecision.Allow());
    }

    @Test
    void theFirstFailuresAreFree() {
        for (int i = 0; i < 3; i++) {
            fail(T0);
            assertThat(decide(T0)).isEqualTo(new ThrottleDecision.Allow());
        }
        assertThat(account.orElseThrow().failures()).isEqualTo(3);
    }

    @Test
    void delaysDoubleFromTheBaseToTheCap() {
        assertThat(rules.delayAfter(0)).isZero();
        assertThat(rules.delayAfter(3)).isZero();
        assertThat(rules.delayAfter(4)).isEqualTo(Duration.ofSeconds(1));
        assertThat(rules.delayAfter(5)).isEqualTo(Duration.ofSeconds(2));
        assertThat(rules.delayAfter(6)).isEqualTo(Duration.ofSeconds(4));
        assertThat(rules.delayAfter(7)).isEqualTo(Duration.ofSeconds(8));
        assertThat(rules.delayAfter(8)).isEqualTo(Duration.ofSeconds(16));
        assertThat(rules.delayAfter(9)).isEqualTo(Duration.ofSeconds(16));
        assertThat(rules.delayAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(16));
        ThrottleRules odd = new ThrottleRules(new ThrottlePolicy(0, Duration.ofMillis(300), Duration.ofSeconds(1), 5,
                Duration.ofMinutes(1), Duration.ofMinutes(1), 10, Duration.ofMinutes(1)));
        assertThat(odd.delayAfter(1)).isEqualTo(Duration.ofMillis(300));
        assertThat(odd.delayAfter(2)).isEqualTo(Duration.ofMillis(600));
        assertThat(odd.delayAfter(3)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void theDelayRunsFromTheLastFailure() {
        for (int i = 0; i < 5; i++) {
            fail(T0);
        }
        // 5 failures: wait 2 s after the last.
        assertThat(decide(T0)).isEqualTo(new ThrottleDecision.Delay(Duration.ofSeconds(2)));
        assertThat(decide(T0.plusMillis(1500))).isEqualTo(new ThrottleDecision.Delay(Duration.ofMillis(500)));
        assertThat(decide(T0.plusSeconds(2))).isEqualTo(new ThrottleDecision.Allow());
        fail(T0.plusSeconds(3));
        assertThat(decide(T0.plusSeconds(3))).isEqualTo(new ThrottleDecision.Delay(Duration.ofSeconds(4)));
    }

    @Test
    void lockAfterTenFailuresForFifteenMinutes() {
        for (int i = 0; i < 9; i++) {
            fail(T0.plusSeconds(i));
            assertThat(decide(T0.plusSeconds(i))).isNotInstanceOf(ThrottleDecision.Locked.class);
        }
        Instant tenth = T0.plusSeconds(9);
        fail(tenth);
        Instant until = tenth.plus(Duration.ofMinutes(15));
        assertThat(account.orElseThrow().lockedUntil()).contains(until);
        assertThat(decide(tenth)).isEqualTo(new ThrottleDecision.Locked(until));
        assertThat(decide(until.minusMillis(1))).isEqualTo(new ThrottleDecision.Locked(until));
        // Failures while locked are counted but do not extend the lock.
        fail(tenth.plusSeconds(60));
        assertThat(account.orElseThrow().failures()).isEqualTo(11);
        assertThat(decide(tenth.plusSeconds(61))).isEqualTo(new ThrottleDecision.Locked(until));
        // Once the lock has ended the count restarts.
        assertThat(decide(until)).isEqualTo(new ThrottleDecision.Allow());
        fail(until.plusSeconds(1));
        assertThat(account.orElseThrow().failures()).isEqualTo(1);
        assertThat(account.orElseThrow().firstFailureAt()).isEqualTo(until.plusSeconds(1));
        assertThat(account.orElseThrow().lockedUntil()).isEmpty();
        assertThat(decide(until.plusSeconds(1))).isEqualTo(new ThrottleDecision.Allow());
    }

    @Test
    void failuresOlderThanTheWindowRestartTheCount() {
        for (int i = 0; i < 9; i++) {
            fail(T0);
        }
        assertThat(decide(T0)).isInstanceOf(ThrottleDecision.Delay.class);
        Instant later = T0.plus(P.window());
        assertThat(decide(later)).isEqualTo(new ThrottleDecision.Allow());
        fail(later);
        assertThat(account.orElseThrow().failures()).isEqualTo(1);
        assertThat(decide(later)).isEqualTo(new ThrottleDecision.Allow());
    }

    @Test
    void aFailureWithinTheWindowKeepsCounting() {
        for (int i = 0; i < 9; i++) {
            fail(T0.plus(P.window().minusSeconds(1).multipliedBy(i)));
        }
        assertThat(account.orElseThrow().failures()).isEqualTo(9);
        fail(T0.plus(P.window().minusSeconds(1).multipliedBy(9)));
        assertThat(decide(T0.plus(P.window().minusSeconds(1).multipliedBy(9)))).isInstanceOf(ThrottleDecision.Locked.class);
    }

    @Test
    void theAddressLocksAfterItsOwnLimitWhateverTheAccounts() {
        Instant at = T0;
        for (int i = 0; i < 99; i++) {
            ip = Optional.of(rules.ipFailure("ip", ip, at));
        }
        assertThat(rules.decide(Optional.empty(), ip, at)).isEqualTo(new ThrottleDecision.Allow());
        ip = Optional.of(rules.ipFailure("ip", ip, at));
        Instant until = at.plus(P.ipLockFor());
        assertThat(rules.decide(Optional.empty(), ip, at)).isEqualTo(new ThrottleDecision.Locked(until));
        assertThat(rules.decide(Optional.empty(), ip, until)).isEqualTo(new ThrottleDecision.Allow());
    }

    @Test
    void theLaterOfTwoLocksWins() {
        Instant a = T0.plusSeconds(100);
        Instant b = T0.plusSeconds(200);
        Optional<ThrottleState> acc = Optional.of(new ThrottleState("acct", 10, T0, T0, Optional.of(a)));
        Optional<ThrottleState> addr = Optional.of(new ThrottleState("ip", 100, T0, T0, Optional.of(b)));
        assertThat(rules.decide(acc, addr, T0)).isEqualTo(new ThrottleDecision.Locked(b));
        assertThat(rules.decide(addr, acc, T0)).isEqualTo(new ThrottleDecision.Locked(b));
        assertThat(rules.decide(acc, addr, a)).isEqualTo(new ThrottleDecision.Locked(b));
    }

    @Test
    void aLockBeatsADelay() {
        Optional<ThrottleState> acc = Optional.of(new ThrottleState("acct", 6, T0, T0, Optional.empty()));
        Optional<ThrottleState> addr = Optional.of(new ThrottleState("ip", 100, T0, T0, Optional.of(T0.plusSeconds(5))));
        assertThat(rules.decide(acc, addr, T0)).isEqualTo(new ThrottleDecision.Locked(T0.plusSeconds(5)));
        assertThat(rules.decide(acc, Optional.empty(), T0)).isEqualTo(new ThrottleDecision.Delay(Duration.ofSeconds(4)));
    }

    @Test
    void memoryCoversTheLongestPeriod() {
        assertThat(rules.memory()).isEqualTo(Duration.ofMinutes(15));
        ThrottleRules longLock = new ThrottleRules(new ThrottlePolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(16), 10,
                Duration.ofHours(2), Duration.ofMinutes(15), 100, Duration.ofHours(1)));
        assertThat(longLock.memory()).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void policiesAreValidated() {
        Duration s = Duration.ofSeconds(1);
        assertThatThrownBy(() -> new ThrottlePolicy(-1, s, s, 10, s, s, 10, s)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ThrottlePolicy(3, Duration.ZERO, s, 10, s, s, 10, s)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ThrottlePolicy(3, s.multipliedBy(2), s, 10, s, s, 10, s)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ThrottlePolicy(3, s, s, 3, s, s, 10, s)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ThrottlePolicy(3, s, s, 10, s, s, 0, s)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ThrottlePolicy(3, s, s, 10, s, s.negated(), 10, s)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ThrottlePolicy(3, s, s, 10, s, s, 10, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ThrottleDecision.Delay(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
