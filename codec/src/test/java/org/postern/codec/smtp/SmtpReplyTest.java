package org.postern.codec.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SmtpReplyTest {
    private static String wire(SmtpReply r) {
        return new String(r.encode(), StandardCharsets.US_ASCII);
    }

    @Test
    void aSingleLineReplyEncodesWithASpace() {
        assertThat(wire(SmtpReply.of(250, "2.1.0", "OK"))).isEqualTo("250 2.1.0 OK\r\n");
        assertThat(wire(SmtpReply.START_MAIL_INPUT)).isEqualTo("354 End data with <CR><LF>.<CR><LF>\r\n");
    }

    @Test
    void aMultiLineReplyUsesHyphensUntilTheLastLine() {
        assertThat(wire(SmtpReply.of(250, null, "first", "second", "last"))).isEqualTo("250-first\r\n250-second\r\n250 last\r\n");
        assertThat(wire(SmtpReply.of(550, "5.7.1", "one", "two"))).isEqualTo("550-5.7.1 one\r\n550 5.7.1 two\r\n");
    }

    @Test
    void anEmptyLineEncodesWithoutTrailingText() {
        assertThat(wire(SmtpReply.of(250, null, ""))).isEqualTo("250 \r\n");
        assertThat(wire(SmtpReply.of(250, "2.0.0", ""))).isEqualTo("250 2.0.0\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil\r\n250 OK", "a\rb", "a\nb", "tab\there", "nul\0", "caf\u00e9", "del\u007f"})
    void textThatCouldInjectOrCorruptARepliesIsRefused(String text) {
        assertThatThrownBy(() -> SmtpReply.of(250, "2.0.0", "fine", text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void codesAndEnhancedCodesAreValidated() {
        assertThatThrownBy(() -> SmtpReply.of(199, null, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SmtpReply.of(600, null, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SmtpReply.of(550, "4.1.1", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SmtpReply.of(550, "5.1", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SmtpReply.of(550, "5.1.1 x", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SmtpReply(250, null, List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLineMayFill512OctetsButNotMore() {
        String text = "x".repeat(512 - "250 2.0.0 ".length() - 2);
        assertThat(SmtpReply.of(250, "2.0.0", text).encode()).hasSize(512);
        assertThatThrownBy(() -> SmtpReply.of(250, "2.0.0", text + "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void linesAreCopiedSoTheReplyCannotChangeLater() {
        java.util.ArrayList<String> lines = new java.util.ArrayList<>(List.of("a"));
        SmtpReply r = new SmtpReply(250, null, lines);
        lines.set(0, "b\r\nevil");
        assertThat(r.lines()).containsExactly("a");
    }

    @Test
    void theCommonRepliesCarryTheRightCodes() {
        assertThat(SmtpReply.SYNTAX_ERROR).extracting(SmtpReply::code, SmtpReply::enhancedCode).containsExactly(500, "5.5.2");
        assertThat(SmtpReply.BARE_LF).extracting(SmtpReply::code, SmtpReply::enhancedCode).containsExactly(500, "5.5.2");
        assertThat(SmtpReply.BAD_SENDER_SYNTAX).extracting(SmtpReply::code, SmtpReply::enhancedCode).containsExactly(501, "5.1.7");
        assertThat(SmtpReply.BAD_RECIPIENT_SYNTAX).extracting(SmtpReply::code, SmtpReply::enhancedCode).containsExactly(501, "5.1.3");
        assertThat(SmtpReply.PARAMETER_NOT_IMPLEMENTED).extracting(SmtpReply::code, SmtpReply::enhancedCode).containsExactly(504, "5.5.4");
        assertThat(SmtpReply.PARAMETERS_NOT_RECOGNISED).extracting(SmtpReply::code, SmtpReply::enhancedCode).containsExactly(555, "5.5.4");
        assertThat(SmtpReply.MESSAGE_TOO_LARGE).extracting(SmtpReply::code, SmtpReply::enhancedCode).containsExactly(552, "5.3.4");
        assertThat(SmtpReply.BARE_LINE_ENDING_IN_DATA).extracting(SmtpReply::code, SmtpReply::enhancedCode).containsExactly(550, "5.6.11");
        assertThat(SmtpReply.TOO_MANY_RECIPIENTS.isTransientFailure()).isTrue();
        assertThat(SmtpReply.OK.isPositive()).isTrue();
        assertThat(SmtpReply.SYNTAX_ERROR.isPermanentFailure()).isTrue();
    }

    @Test
    void factoriesValidateTheirInput() {
        assertThat(wire(SmtpReply.greeting("mx.example.org"))).isEqualTo("220 mx.example.org ESMTP\r\n");
        assertThatThrownBy(() -> SmtpReply.greeting("mx\r\n250 OK")).isInstanceOf(IllegalArgumentException.class);
        assertThat(wire(SmtpReply.authChallenge(""))).isEqualTo("334 \r\n");
        assertThat(wire(SmtpReply.authChallenge("VXNlcm5hbWU6"))).isEqualTo("334 VXNlcm5hbWU6\r\n");
        assertThatThrownBy(() -> SmtpReply.authChallenge("not base64!")).isInstanceOf(IllegalArgumentException.class);
    }
}
