package org.postern.mta.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postern.codec.smtp.RemoteReply;
import org.postern.model.EmailAddress;

class DsnTest {
    private static final Instant ARRIVAL = Instant.parse("2026-11-20T10:00:00Z");
    private static final Instant NOW = Instant.parse("2026-11-20T10:05:00Z");
    private static final byte[] RANDOM = new byte[16];

    private static String build(Dsn.Action action, String status, String diagnostic, String original) throws IOException {
        byte[] dsn = Dsn.build("mail.example.test", EmailAddress.parse("alice@example.test"), ARRIVAL, NOW,
                Optional.of(ARRIVAL.plusSeconds(5 * 86400)),
                List.of(new Dsn.RecipientReport(EmailAddress.parse("bob@remote.test"), action, status,
                        Optional.of("mx.remote.test"), diagnostic, true, NOW)),
                new ByteArrayInputStream(original.getBytes(StandardCharsets.UTF_8)), RANDOM);
        return new String(dsn, StandardCharsets.UTF_8);
    }

    @Test
    void aFailureReportHasTheThreePartsAndTheRfc3464Fields() throws IOException {
        String dsn = build(Dsn.Action.FAILED, "5.1.1", "550 5.1.1 User unknown",
                "Subject: hello\r\nFrom: alice@example.test\r\n\r\nsecret body\r\n");
        assertThat(dsn).contains("Content-Type: multipart/report; report-type=delivery-status;")
                .contains("Subject: Undelivered Mail Returned to Sender")
                .contains("To: <alice@example.test>")
                .contains("Auto-Submitted: auto-replied")
                .contains("Content-Type: message/delivery-status")
                .contains("Reporting-MTA: dns; mail.example.test")
                .contains("Final-Recipient: rfc822; bob@remote.test")
                .contains("Action: failed")
                .contains("Status: 5.1.1")
                .contains("Remote-MTA: dns; mx.remote.test")
                .contains("Diagnostic-Code: smtp; 550 5.1.1 User unknown")
                .contains("Content-Type: text/rfc822-headers")
                .contains("Subject: hello\r\nFrom: alice@example.test\r\n")
                // The body of the original is never returned, only its header section.
                .doesNotContain("secret body");
        assertThat(dsn.replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
    }

    @Test
    void aDelayNoticeSaysItWillRetry() throws IOException {
        String dsn = build(Dsn.Action.DELAYED, "4.4.1", "connection refused", "Subject: x\r\n\r\n");
        assertThat(dsn).contains("Subject: Delayed Mail (still being retried)").contains("Action: delayed")
                .contains("Will-Retry-Until: ");
    }

    @Test
    void aHostileDiagnosticCannotAddHeadersOrParts() throws IOException {
        String dsn = build(Dsn.Action.FAILED, "5.0.0", "550 nope\r\nX-Injected: yes\r\n--=_postern-dsn-", "Subject: x\r\n\r\n");
        assertThat(dsn).doesNotContain("\r\nX-Injected").contains("Diagnostic-Code: smtp; 550 nope  X-Injected: yes");
    }

    @Test
    void malformedOriginalHeadersAreCutAndNormalised() throws IOException {
        // Bare LF and CR line ends, a NUL, a line that would end our MIME part, no blank line at all.
        String boundary = "=_postern-dsn-" + "00".repeat(12);
        String dsn = build(Dsn.Action.FAILED, "5.0.0", "x",
                "Subject: a\nX-Nul: b\0c\r--" + boundary + "--\r\nFrom: z@y.test");
        assertThat(dsn).contains("Subject: a\r\nX-Nul: bc\r\n --" + boundary + "--\r\nFrom: z@y.test\r\n");
        assertThat(dsn).endsWith("\r\n--" + boundary + "--\r\n");
        assertThat(dsn.split("\r\n--" + boundary + "--", -1)).hasSize(2);
    }

    @Test
    void anOversizedHeaderSectionIsCutAtTheLastWholeLine() throws IOException {
        StringBuilder huge = new StringBuilder();
        while (huge.length() < Dsn.MAX_ORIGINAL_HEADER_BYTES + 1000) {
            huge.append("X-Filler: ").append("f".repeat(60)).append("\r\n");
        }
        byte[] cut = Dsn.originalHeader(new ByteArrayInputStream(huge.toString().getBytes(StandardCharsets.US_ASCII)), "b");
        assertThat(cut.length).isLessThanOrEqualTo(Dsn.MAX_ORIGINAL_HEADER_BYTES);
        assertThat(new String(cut, StandardCharsets.US_ASCII)).endsWith("f\r\n");
    }

    @Test
    void aStatusComesFromTheReplyOrItsClass() {
        assertThat(Dsn.status(new RemoteReply(550, List.of("5.7.1 relay denied")))).isEqualTo("5.7.1");
        assertThat(Dsn.status(new RemoteReply(554, List.of("no enhanced code")))).isEqualTo("5.0.0");
        assertThat(Dsn.status(new RemoteReply(451, List.of("")))).isEqualTo("4.0.0");
    }

    @Test
    void aReportNeedsRecipientsAndAValidStatus() {
        assertThatThrownBy(() -> Dsn.build("m", EmailAddress.parse("a@b.test"), NOW, NOW, Optional.empty(), List.of(),
                new ByteArrayInputStream(new byte[0]), RANDOM)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Dsn.RecipientReport(EmailAddress.parse("a@b.test"), Dsn.Action.FAILED, "550",
                Optional.empty(), "x", true, NOW)).isInstanceOf(IllegalArgumentException.class);
    }
}
