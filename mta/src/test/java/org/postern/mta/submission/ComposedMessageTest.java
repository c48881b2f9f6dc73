package org.postern.mta.submission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.james.mime4j.dom.BinaryBody;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.TextBody;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.field.ContentDispositionField;
import org.junit.jupiter.api.Test;
import org.postern.model.EmailAddress;
import org.postern.model.InvalidInputException;

class ComposedMessageTest {
    private static final EmailAddress ALICE = EmailAddress.parse("alice@example.test");
    private static final EmailAddress BOB = EmailAddress.parse("bob@example.net");
    private static final EmailAddress CAROL = EmailAddress.parse("carol@example.org");
    private static final Instant NOW = Instant.parse("2026-11-23T06:50:00Z");
    private static final byte[] RANDOM = new byte[16];

    private static ComposedMessage.Draft draft(Optional<String> name, String subject, String text, Optional<String> html,
            List<ComposedMessage.Attachment> attachments) {
        return new ComposedMessage.Draft(ALICE, name, List.of(BOB), List.of(CAROL), subject, text, html,
                Optional.empty(), List.of(), attachments);
    }

    private static byte[] bytes(ComposedMessage m) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toByteArray();
    }

    private static Message parse(byte[] raw) throws IOException {
        return Message.Builder.of(new ByteArrayInputStream(raw)).build();
    }

    private static String text(Entity e) throws IOException {
        return new String(((TextBody) e.getBody()).getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String header(byte[] raw) {
        String all = new String(raw, StandardCharsets.US_ASCII);
        return all.substring(0, all.indexOf("\r\n\r\n") + 2);
    }

    @Test
    void aTextOnlyMessageHasEncodedHeadersAndAUtf8Body() throws IOException {
        ComposedMessage m = ComposedMessage.compose(draft(Optional.of("Alice Ünal"), "Grüße 👋", "Hello\nwörld\n",
                Optional.empty(), List.of()), NOW, "mx.example.test", RANDOM);
        byte[] raw = bytes(m);
        String header = header(raw);

        // Nothing but ASCII in the header section: non-ASCII words are RFC 2047 encoded.
        assertThat(header.chars().allMatch(c -> c < 0x80)).isTrue();
        assertThat(header).contains("=?UTF-8?").contains("Message-ID: " + m.messageId()).doesNotContain("Bcc");
        assertThat(m.messageId()).isEqualTo("<00000000000000000000000000000000@mx.example.test>");
        assertThat(new String(raw, StandardCharsets.ISO_8859_1)).doesNotContain("\n\n").doesNotContainPattern("[^\r]\n");

        Message parsed = parse(raw);
        assertThat(parsed.getSubject()).isEqualTo("Grüße 👋");
        Mailbox from = parsed.getFrom().get(0);
        assertThat(from.getName()).isEqualTo("Alice Ünal");
        assertThat(from.getAddress()).isEqualTo("alice@example.test");
        assertThat(parsed.getTo().flatten()).extracting(Mailbox::getAddress).containsExactly("bob@example.net");
        assertThat(parsed.getCc().flatten()).extracting(Mailbox::getAddress).containsExactly("carol@example.org");
        assertThat(parsed.getMimeType()).isEqualTo("text/plain");
        assertThat(parsed.getCharset()).isEqualToIgnoringCase("UTF-8");
        assertThat(text(parsed)).isEqualTo("Hello\r\nwörld\r\n");
    }

    @Test
    void textAndHtmlAreAlternativesAndAttachmentsRoundTrip() throws IOException {
        byte[] pdf = new byte[3000];
        for (int i = 0; i < pdf.length; i++) {
            pdf[i] = (byte) i;
        }
        ComposedMessage m = ComposedMessage.compose(draft(Optional.empty(), "Report", "plain", Optional.of("<p>rich</p>"),
                List.of(new ComposedMessage.Attachment("Bericht März.pdf", "application/pdf", pdf),
                        new ComposedMessage.Attachment("notes \"v2\".txt", "text/plain", "a\r\nb".getBytes()))),
                NOW, "mx.example.test", RANDOM);
        Message parsed = parse(bytes(m));

        assertThat(parsed.getMimeType()).isEqualTo("multipart/mixed");
        List<Entity> parts = ((Multipart) parsed.getBody()).getBodyParts();
        assertThat(parts).hasSize(3);
        assertThat(parts.get(0).getMimeType()).isEqualTo("multipart/alternative");
        List<Entity> alternatives = ((Multipart) parts.get(0).getBody()).getBodyParts();
        assertThat(alternatives).extracting(Entity::getMimeType).containsExactly("text/plain", "text/html");
        assertThat(text(alternatives.get(0))).isEqualTo("plain");
        assertThat(text(alternatives.get(1))).isEqualTo("<p>rich</p>");

        Entity first = parts.get(1);
        assertThat(first.getMimeType()).isEqualTo("application/pdf");
        assertThat(first.getDispositionType()).isEqualTo("attachment");
        assertThat(first.getFilename()).isEqualTo("Bericht März.pdf");
        assertThat(((ContentDispositionField) first.getHeader().getField("Content-Disposition")).getFilename())
                .isEqualTo("Bericht März.pdf");
        assertThat(first.getHeader().getField("Content-Disposition").getBody()).contains("filename*0*=UTF-8''Bericht%20M%C3%A4rz.pdf");
        assertThat(((BinaryBody) first.getBody()).getInputStream().readAllBytes()).isEqualTo(pdf);
        assertThat(parts.get(2).getFilename()).isEqualTo("notes \"v2\".txt");
    }

    @Test
    void inReplyToAndReferencesAreWritten() throws IOException {
        ComposedMessage m = ComposedMessage.compose(new ComposedMessage.Draft(ALICE, Optional.empty(), List.of(BOB),
                List.of(), "Re: x", "ok", Optional.empty(), Optional.of("<abc@example.net>"),
                List.of("<abc@example.net>"), List.of()), NOW, "mx.example.test", RANDOM);
        String header = header(bytes(m));
        assertThat(header).contains("In-Reply-To: <abc@example.net>\r\n").contains("References: <abc@example.net>\r\n");
    }

    @Test
    void lineBreaksOrControlCharactersInAnyHeaderValueAreRefusedNamingTheField() {
        assertThatThrownBy(() -> ComposedMessage.compose(draft(Optional.empty(), "hi\r\nBcc: victim@example.net",
                "x", Optional.empty(), List.of()), NOW, "h", RANDOM))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("subject ");
        assertThatThrownBy(() -> ComposedMessage.compose(draft(Optional.empty(), "hi\nX: y", "x", Optional.empty(),
                List.of()), NOW, "h", RANDOM)).hasMessageStartingWith("subject ");
        assertThatThrownBy(() -> ComposedMessage.compose(draft(Optional.empty(), "nul\u0000", "x", Optional.empty(),
                List.of()), NOW, "h", RANDOM)).hasMessageStartingWith("subject ");
        assertThatThrownBy(() -> ComposedMessage.compose(draft(Optional.of("Alice\r\nBcc: x@example.net"), "s", "x",
                Optional.empty(), List.of()), NOW, "h", RANDOM)).hasMessageStartingWith("from_name ");
        assertThatThrownBy(() -> ComposedMessage.compose(draft(Optional.empty(), "s", "x", Optional.empty(),
                List.of(new ComposedMessage.Attachment("a.txt\r\nContent-Type: text/html", "text/plain", new byte[1]))),
                NOW, "h", RANDOM)).hasMessageStartingWith("attachments[0].filename ");
        assertThatThrownBy(() -> ComposedMessage.compose(draft(Optional.empty(), "s", "x", Optional.empty(),
                List.of(new ComposedMessage.Attachment("a.txt", "text/plain\r\nX: y", new byte[1]))),
                NOW, "h", RANDOM)).hasMessageStartingWith("attachments[0].content_type ");
        assertThatThrownBy(() -> ComposedMessage.compose(new ComposedMessage.Draft(ALICE, Optional.empty(), List.of(BOB),
                List.of(), "s", "x", Optional.empty(), Optional.of("<a@b>\r\nBcc: c@d"), List.of(), List.of()),
                NOW, "h", RANDOM)).hasMessageStartingWith("in_reply_to ");
    }

    @Test
    void aDisplayNameHoldingAnotherAddressIsRefused() {
        assertThatThrownBy(() -> ComposedMessage.compose(draft(Optional.of("security@bank.example"), "s", "x",
                Optional.empty(), List.of()), NOW, "h", RANDOM))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("from_name ");
        assertThatThrownBy(() -> ComposedMessage.compose(draft(Optional.of("Bank ＠ bank.example"), "s", "x",
                Optional.empty(), List.of()), NOW, "h", RANDOM)).hasMessageStartingWith("from_name ");
    }

    @Test
    void theComposedHeaderPassesTheSubmissionChecks() throws IOException {
        ComposedMessage m = ComposedMessage.compose(draft(Optional.of("Ålice \"the\" sender"), "s", "x",
                Optional.empty(), List.of()), NOW, "mx.example.test", RANDOM);
        SubmittedHeader header = SubmittedHeader.read(new ByteArrayInputStream(bytes(m)), 64 * 1024);
        assertThat(header.malformed()).isFalse();
        assertThat(header.authors()).isEqualTo(new SubmittedHeader.Authors.Claimed(List.of(ALICE)));
        assertThat(header.has("Date")).isTrue();
        assertThat(header.has("Message-ID")).isTrue();
    }
}
