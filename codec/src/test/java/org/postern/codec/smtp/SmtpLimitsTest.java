package org.postern.codec.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.postern.model.InvalidInputException;

class SmtpLimitsTest {
    @Test
    void theDefaultsAreValidAndGenerous() {
        SmtpLimits d = SmtpLimits.defaults();
        assertThat(d.maxCommandLineBytes()).isEqualTo(2048);
        assertThat(d.maxAuthLineBytes()).isEqualTo(12288);
        assertThat(d.maxLineBytes()).isEqualTo(12288);
        assertThat(d.maxMessageBytes()).isEqualTo(50L << 20);
        assertThat(d.maxRecipients()).isEqualTo(100);
    }

    @Test
    void commandLinesShorterThanTheRfcMinimumAreRefused() {
        assertThat(SmtpLimits.defaults().withMaxCommandLineBytes(512).maxCommandLineBytes()).isEqualTo(512);
        assertThatThrownBy(() -> SmtpLimits.defaults().withMaxCommandLineBytes(511))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("maxCommandLineBytes");
    }

    @Test
    void everyLimitIsBoundedAboveAndBelow() {
        SmtpLimits d = SmtpLimits.defaults();
        assertThatThrownBy(() -> d.withMaxCommandLineBytes(65537)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> d.withMaxAuthLineBytes(100)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> d.withMaxMessageBytes(0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> d.withMaxMessageBytes((1L << 40) + 1)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> d.withMaxRecipients(0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> d.withMaxUnknownCommands(-1)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> d.withMaxProtocolErrors(0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> d.withMaxDiscardBytes(-1)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> d.withInputBufferBytes(100)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> d.withInputBufferBytes((1 << 20) + 1)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void withersChangeOnlyTheirOwnValue() {
        SmtpLimits d = SmtpLimits.defaults();
        SmtpLimits changed = d.withMaxRecipients(500).withMaxUnknownCommands(3).withMaxProtocolErrors(7)
                .withMaxDiscardBytes(0).withInputBufferBytes(4096);
        assertThat(changed).isEqualTo(new SmtpLimits(2048, 12288, 50L << 20, 500, 3, 7, 0, 4096));
    }
}
