package org.postern.codec.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.postern.codec.imap.SequenceSet.STAR;

import java.util.PrimitiveIterator;
import org.junit.jupiter.api.Test;

class SequenceSetTest {

    @Test
    void theWholeUidSpaceIsTwoNumbersNotFourBillion() {
        SequenceSet all = SequenceSet.ofRanges(1, 4294967295L);
        NumberRanges resolved = all.resolve(SequenceSet.MAX_NUMBER);
        assertThat(resolved.size()).isEqualTo(4294967295L);
        assertThat(resolved.intervalCount()).isEqualTo(1);
        assertThat(resolved.contains(4294967295L)).isTrue();
        assertThat(resolved.contains(0)).isFalse();
        PrimitiveIterator.OfLong it = resolved.iterator();
        assertThat(it.nextLong()).isEqualTo(1);
        assertThat(it.nextLong()).isEqualTo(2);
        assertThat(resolved.stream().skip(9).findFirst()).hasValue(10);
    }

    @Test
    void rangesMayBeWrittenInEitherOrder() {
        assertThat(SequenceSet.ofRanges(5, 2).resolve(10)).isEqualTo(NumberRanges.range(2, 5));
        assertThat(SequenceSet.ofRanges(STAR, 4).resolve(10)).isEqualTo(NumberRanges.range(4, 10));
        assertThat(SequenceSet.ofRanges(4, STAR).resolve(10)).isEqualTo(NumberRanges.range(4, 10));
    }

    @Test
    void starIsTheLargestNumberInUseAndAlwaysIncludesTheLastMessage() {
        // RFC 3501 §6.4.8: "UID 559:*" includes the last message even when 559 > its UID.
        assertThat(SequenceSet.ofRanges(559, STAR).resolve(500)).isEqualTo(NumberRanges.of(500));
        assertThat(SequenceSet.ofRanges(STAR, STAR).resolve(42)).isEqualTo(NumberRanges.of(42));
        assertThat(SequenceSet.ofRanges(STAR, STAR).resolve(0).isEmpty()).isTrue();
        assertThat(SequenceSet.ofRanges(1, STAR).resolve(0).isEmpty()).isTrue();
    }

    @Test
    void numbersAboveMaxAreDroppedButReportedForTheSessionsBadCheck() {
        SequenceSet set = SequenceSet.ofRanges(3, 3, 7, 9, 20, 25);
        assertThat(set.resolve(8)).isEqualTo(NumberRanges.of(3, 7, 8));
        assertThat(set.largestNumber()).isEqualTo(25);
        assertThat(SequenceSet.ofRanges(STAR, STAR).largestNumber()).isZero();
        assertThat(set.usesStar()).isFalse();
        assertThat(SequenceSet.ofRanges(1, STAR).usesStar()).isTrue();
    }

    @Test
    void overlappingAndAdjacentRangesMerge() {
        NumberRanges r = SequenceSet.ofRanges(10, 10, 1, 5, 3, 8, 12, 12, 11, 11).resolve(100);
        assertThat(r.toString()).isEqualTo("1:8,10:12");
        assertThat(r.size()).isEqualTo(11);
        assertThat(r.min()).isEqualTo(1);
        assertThat(r.max()).isEqualTo(12);
        assertThat(r.contains(9)).isFalse();
    }

    @Test
    void theSavedResultIsTheSessionsToSubstitute() {
        assertThat(SequenceSet.SAVED_RESULT.toString()).isEqualTo("$");
        assertThatThrownBy(() -> SequenceSet.SAVED_RESULT.resolve(10)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void elementsAreValidated() {
        assertThatThrownBy(() -> new SequenceSet.Range(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SequenceSet.Range(1, 4294967296L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SequenceSet.ofRanges(1, 2).resolve(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(SequenceSet.ofRanges(1, 3, 5, 5, 7, STAR).toString()).isEqualTo("1:3,5,7:*");
    }

    @Test
    void numberRangesBuildCompactResponseSets() {
        assertThat(NumberRanges.of(5, 3, 4, 10, 4).toString()).isEqualTo("3:5,10");
        assertThat(NumberRanges.empty().toString()).isEmpty();
        assertThat(NumberRanges.of(7).stream().toArray()).containsExactly(7);
        assertThatThrownBy(() -> NumberRanges.of(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void manyRangesResolveInBoundedTime() {
        long[] bounds = new long[20_000];
        for (int i = 0; i < bounds.length; i += 2) {
            bounds[i] = 4294967295L - i * 3L;
            bounds[i + 1] = 4294967295L - i * 3L - 1;
        }
        NumberRanges r = SequenceSet.ofRanges(bounds).resolve(SequenceSet.MAX_NUMBER);
        assertThat(r.intervalCount()).isEqualTo(10_000);
        assertThat(r.size()).isEqualTo(20_000);
    }
}
