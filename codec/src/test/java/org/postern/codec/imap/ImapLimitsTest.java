package org.postern.codec.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.postern.model.InvalidInputException;

class ImapLimitsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        ImapLimits d = ImapLimits.defaults();
        assertThat(d.maxLineBytes()).isEqualTo(8192);
        assertThat(d.maxCommandBytes()).isEqualTo(1 << 20);
        assertThat(d.maxLiteralBytes()).isEqualTo(64 << 10);
        assertThat(d.maxAppendBytes()).isEqualTo(35_000_000L);
        assertThat(d.literalPlus()).isTrue();
        assertThat(d.maxNonSynchronizingLiteralBytes()).isEqualTo(35_000_000L);
        ImapLimits pre = ImapLimits.preAuthentication();
        assertThat(pre.maxAppendBytes()).isZero();
        assertThat(pre.literalPlus()).isFalse();
        assertThat(pre.maxNonSynchronizingLiteralBytes()).isEqualTo(ImapLimits.LITERAL_MINUS_MAX_BYTES);
    }

    @Test
    void outOfRangeValuesAreRefusedAtConstruction() {
        ImapLimits d = ImapLimits.defaults();
        assertThatThrownBy(() -> d.withMaxLineBytes(100)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("maxLineBytes");
        assertThatThrownBy(() -> d.withMaxCommandBytes(1000)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> d.withMaxLiteralBytes(-1)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> d.withMaxLiteralBytes((1 << 20) + 1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("maxLiteralBytes");
        assertThatThrownBy(() -> d.withMaxAppendBytes(-1)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> d.withMaxNestingDepth(0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> d.withMaxTokens(1)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> d.withMaxMessagesPerAppend(0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> d.withMaxDiscardBytes(-1)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> d.withInputBufferBytes(16)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void withersChangeOneBoundAndKeepTheRecordConsistent() {
        ImapLimits d = ImapLimits.defaults();
        assertThat(d.withMaxAppendBytes(10).maxAppendBytes()).isEqualTo(10);
        assertThat(d.withLiteralPlus(false).maxNonSynchronizingLiteralBytes()).isEqualTo(4096);
        // Shrinking the command bound pulls the literal bound down with it.
        assertThat(d.withMaxCommandBytes(8192).maxLiteralBytes()).isEqualTo(8192);
        assertThat(d.withMaxLineBytes(65536).maxCommandBytes()).isEqualTo(1 << 20);
    }
}
