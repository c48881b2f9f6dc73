package org.postern.imap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommandPacerTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstGoesAtOnceAndTheRestAtTheRate() {
        CommandPacer pacer = new CommandPacer(10, 5, 0);
        for (int i = 0; i < 5; i++) {
            assertThat(pacer.take(0)).isZero();
        }
        assertThat(pacer.take(0)).isEqualTo(SECOND / 10);
        assertThat(pacer.take(0)).isEqualTo(2 * SECOND / 10);
    }

    @Test
    void tokensComeBackWithTimeButNeverBeyondTheBurst() {
        CommandPacer pacer = new CommandPacer(10, 5, 0);
        for (int i = 0; i < 5; i++) {
            pacer.take(0);
        }
        assertThat(pacer.take(SECOND / 10)).isZero();
        long later = 100 * SECOND;
        for (int i = 0; i < 5; i++) {
            assertThat(pacer.take(later)).isZero();
        }
        assertThat(pacer.take(later)).isPositive();
    }
}
