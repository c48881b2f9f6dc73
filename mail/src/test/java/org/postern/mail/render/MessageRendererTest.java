package org.postern.mail.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class MessageRendererTest {
    private final MessageRenderer renderer = new MessageRenderer(RenderLimits.DEFAULT);

    private RenderedMessage render(String raw) throws IOException {
        return renderer.render(new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)),
                id -> "/inline/" + id, false);
    }

    private static final String PNG_B64 = Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});

    private static final String RICH = """
            From: a@x.example\r
            Subject: rich\r
            MIME-Version: 1.0\r
            Content-Type: multipart/mixed; boundary="outer"\r
            \r
            --outer\r
            Content-Type: multipart/related; boundary="rel"\r
            \r
            --rel\r
            Content-Type: multipart/alternative; boundary="alt"\r
            \r
            --alt\r
            Content-Type: text/plain; charset=iso-8859-1\r
            Content-Transfer-Encoding: quoted-printable\r
            \r
            Gr=FC=DFe, plain\r
            --alt\r
            Content-Type: text/html; charset=utf-8\r
            Content-Transfer-Encoding: base64\r
            \r
            %s\r
            --alt--\r
            --rel\r
            Content-Type: image/png\r
            Content-ID: <logo@x>\r
            Content-Transfer-Encoding: base64\r
            \r
            %s\r
            --rel--\r
            --outer\r
            Content-Type: application/pdf; name="../../etc/passwd.pdf"\r
            Content-Disposition: attachment; filename="../../etc/passwd.pdf"\r
            Content-Transfer-Encoding: base64\r
            \r
            JVBERi0xLjQK\r
            --outer\r
            Content-Type: message/rfc822\r
            \r
            From: b@y.example\r
            Subject: inner\r
            Content-Type: text/html\r
            \r
            <p>inner<script>alert(2)</script></p>\r
            --outer--\r
            """;

    private static String rich() {
        String html = "<p>Grüße <b>html</b><script>alert(1)</script><img src=\"cid:logo@x\">"
                + "<img src=\"https://track.example/p.gif\"></p>";
        return RICH.formatted(Base64.getEncoder().encodeToString(html.getBytes(StandardCharsets.UTF_8)), PNG_B64);
    }

    @Test
    void choosesHtmlAndTextAlternativesDecodesAndListsAttachments() throws IOException {
        RenderedMessage r = render(rich());
        assertThat(r.html()).get().asString().contains("Grüße <b>html</b>").doesNotContain("script")
                .doesNotContain("alert(1)").contains("src=\"/inline/1.2\"").doesNotContain("track.example")
                .contains("<p>inner</p>").doesNotContain("alert(2)").doesNotContain("Grüße, plain");
        assertThat(r.text()).get().asString().contains("Grüße, plain").doesNotContain("Grüße html");
        assertThat(r.remoteBlocked()).isEqualTo(1);
        assertThat(r.attachments()).extracting(RenderedMessage.Attachment::partId).containsExactly("1.2", "2");
        RenderedMessage.Attachment logo = r.attachments().get(0);
        assertThat(logo.inline()).isTrue();
        assertThat(logo.contentId()).contains("logo@x");
        assertThat(logo.size()).isEqualTo(7);
        RenderedMessage.Attachment pdf = r.attachments().get(1);
        assertThat(pdf.filename()).isEqualTo("passwd.pdf");
        assertThat(pdf.contentType()).isEqualTo("application/pdf");
        assertThat(pdf.inline()).isFalse();
        assertThat(r.truncated()).isFalse();
    }

    @Test
    void fetchesOnePartDecoded() throws IOException {
        var part = renderer.part(new ByteArrayInputStream(rich().getBytes(StandardCharsets.ISO_8859_1)), "1.2");
        assertThat(part).isPresent();
        assertThat(part.get().content()).get().isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        assertThat(part.get().mimeType()).isEqualTo("image/png");
        assertThat(renderer.part(new ByteArrayInputStream(rich().getBytes(StandardCharsets.ISO_8859_1)), "9")).isEmpty();
        assertThat(renderer.part(new ByteArrayInputStream(rich().getBytes(StandardCharsets.ISO_8859_1)), "../1")).isEmpty();
        assertThat(MessageRenderer.isPartId("1.2.3")).isTrue();
        assertThat(MessageRenderer.isPartId("0")).isFalse();
        assertThat(MessageRenderer.isPartId("1/2")).isFalse();
        assertThat(MessageRenderer.isPartId("")).isFalse();
    }

    @Test
    void encodedFilenamesAreDecodedThenMadeSafe() throws IOException {
        String raw = "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
                + "--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment;"
                + " filename*=UTF-8''..%2F..%2Fr%C3%A9port.pdf\r\n\r\nx\r\n"
                + "--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment;"
                + " filename=\"=?UTF-8?Q?r=C3=A9sum=C3=A9.pdf?=\"\r\n\r\nx\r\n"
                + "--b\r\nContent-Type: application/pdf; name=\"=?UTF-8?B?w7xiZXIucGRm?=\"\r\n\r\nx\r\n"
                + "--b--\r\n";
        RenderedMessage r = render(raw);
        assertThat(r.attachments()).extracting(RenderedMessage.Attachment::filename)
                .containsExactly("r\u00e9port.pdf", "r\u00e9sum\u00e9.pdf", "\u00fcber.pdf");
    }

    @Test
    void plainTextOnlyGivesTextAndNoHtml() throws IOException {
        RenderedMessage r = render("Subject: t\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n<b>not html</b>\r\n");
        assertThat(r.html()).isEmpty();
        assertThat(r.text()).get().asString().contains("<b>not html</b>");
        assertThat(r.attachments()).isEmpty();
    }

    @Test
    void htmlOnlyAlsoGivesAReadableTextVersion() throws IOException {
        RenderedMessage r = render("Subject: t\r\nContent-Type: text/html\r\n\r\n<p>One &amp; two</p><p>Three<script>x()</script></p>\r\n");
        assertThat(r.text()).get().asString().contains("One & two").contains("Three").doesNotContain("x()");
    }

    @Test
    void unknownCharsetAndBrokenEncodingsAreBestEffort() throws IOException {
        RenderedMessage r = render("Subject: t\r\nContent-Type: text/plain; charset=x-no-such\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n!!!aGVsbG8=\r\n");
        assertThat(r.text()).get().asString().contains("hello");
    }

    @Test
    void malformedMimeNeverFails() throws IOException {
        RenderedMessage r = render("Subject: t\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
                + "Content-Type: text/plain\r\n\r\nstart of a part that never ends");
        assertThat(r.text()).get().asString().contains("start of a part");
        render("\u0000\u0001garbage without headers");
        render("");
    }

    @Test
    void partCountAndDepthAreBounded() throws IOException {
        StringBuilder many = new StringBuilder("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n");
        for (int i = 0; i < 20; i++) {
            many.append("--b\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n");
        }
        many.append("--b--\r\n");
        MessageRenderer small = new MessageRenderer(new RenderLimits(5, 4, 1000, 1000, 1000));
        RenderedMessage r = small.render(new ByteArrayInputStream(many.toString().getBytes(StandardCharsets.US_ASCII)),
                id -> "", false);
        assertThat(r.attachments()).hasSizeLessThanOrEqualTo(5);
        assertThat(r.truncated()).isTrue();
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            deep.append("Content-Type: multipart/mixed; boundary=\"b").append(i).append("\"\r\n\r\n--b").append(i).append("\r\n");
        }
        deep.append("Content-Type: text/plain\r\n\r\ndeep\r\n");
        RenderedMessage d = small.render(new ByteArrayInputStream(deep.toString().getBytes(StandardCharsets.US_ASCII)),
                id -> "", false);
        assertThat(d.truncated()).isTrue();
        assertThat(d.text()).isEmpty();
    }

    @Test
    void textIsCutAtTheLimit() throws IOException {
        MessageRenderer small = new MessageRenderer(new RenderLimits(10, 10, 100, 150, 1000));
        String body = "a".repeat(500);
        RenderedMessage r = small.render(new ByteArrayInputStream(("Content-Type: text/plain\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII)), id -> "", false);
        assertThat(r.text()).get().asString().hasSize(100);
        assertThat(r.truncated()).isTrue();
    }
}
