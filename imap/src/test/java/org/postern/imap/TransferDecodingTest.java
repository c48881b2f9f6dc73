package org.postern.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Content-Transfer-Encoding removal for BINARY, and BINARY's view of a message's parts. */
class TransferDecodingTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void base64DecodesAcrossLineBreaksAndPadding() {
        assertThat(TransferDecoding.decode("base64", b("aGVs\r\nbG8s\r\nIHdv\r\ncmxk\r\n")).orElseThrow())
                .isEqualTo(b("hello, world"));
        assertThat(TransferDecoding.decode(" BASE64 ", b("AP8A\r\n")).orElseThrow()).containsExactly(0, 0xff, 0);
        assertThat(s(TransferDecoding.base64(b("YQ==")))).isEqualTo("a");
        assertThat(s(TransferDecoding.base64(b("YWI=")))).isEqualTo("ab");
        assertThat(TransferDecoding.base64(b(""))).isEmpty();
    }

    @Test
    void malformedBase64KeepsWhatItCan() {
        // Junk outside the alphabet is skipped, a lone trailing character carries nothing, "=" ends the data.
        assertThat(s(TransferDecoding.base64(b("a*G!V\tsbG8")))).isEqualTo("hello");
        assertThat(s(TransferDecoding.base64(b("aGVsbG8x")))).isEqualTo("hello1");
        assertThat(s(TransferDecoding.base64(b("aGVsbG8xY")))).isEqualTo("hello1");
        assertThat(s(TransferDecoding.base64(b("YQ==YWI=")))).isEqualTo("a");
    }

    @Test
    void quotedPrintableDecodesEscapesSoftBreaksAndPadding() {
        assertThat(s(TransferDecoding.decode("Quoted-Printable", b("caf=C3=A9 =3D ok\r\n")).orElseThrow()))
                .isEqualTo("caf\u00c3\u00a9 = ok\r\n");
        assertThat(s(TransferDecoding.quotedPrintable(b("one =\r\nline\r\nnext   \r\nlast=\n")))).isEqualTo("one line\r\nnext\r\nlast");
        assertThat(s(TransferDecoding.quotedPrintable(b("lower =e9 too")))).isEqualTo("lower \u00e9 too");
        assertThat(s(TransferDecoding.quotedPrintable(b("bare\nlf\n")))).isEqualTo("bare\nlf\n");
    }

    @Test
    void malformedQuotedPrintableIsKeptLiterally() {
        assertThat(s(TransferDecoding.quotedPrintable(b("a=ZZb =4 =")))).isEqualTo("a=ZZb =4 ");
        assertThat(s(TransferDecoding.quotedPrintable(b("=")))).isEmpty();
        assertThat(s(TransferDecoding.quotedPrintable(b("x=4")))).isEqualTo("x=4");
    }

    @Test
    void identityEncodingsPassAndUnknownOnesAreRefused() {
        byte[] body = {1, 0, (byte) 0x80};
        for (String e : new String[] {null, "7bit", "8BIT", "binary", ""}) {
            assertThat(TransferDecoding.decode(e, body).orElseThrow()).isEqualTo(body);
        }
        assertThat(TransferDecoding.decode("x-uuencode", body)).isEmpty();
        assertThat(TransferDecoding.decode("base64; x", body)).isEmpty();
    }

    @Test
    void decodingArbitraryBytesNeverThrowsNorGrows() {
        Random random = new Random(3516);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[random.nextInt(300)];
            random.nextBytes(junk);
            assertThat(TransferDecoding.base64(junk).length).isLessThanOrEqualTo(junk.length);
            assertThat(TransferDecoding.quotedPrintable(junk).length).isLessThanOrEqualTo(junk.length);
        }
    }

    private static final String MULTIPART = "Subject: parts\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9\r\n"
            + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC/w==\r\n"
            + "--b\r\nContent-Type: application/x-odd\r\nContent-Transfer-Encoding: x-rot13\r\n\r\nuryyb\r\n"
            + "--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\nContent-Transfer-Encoding: base64\r\n\r\naW5uZXI=\r\n"
            + "--b--\r\n";

    @Test
    void binaryDecodesLeafPartsAndReportsMissingAndUnknown() {
        MessageParts parts = MessageParts.parse(b(MULTIPART));
        assertThat(parts.binary(List.of(1))).isInstanceOfSatisfying(MessageParts.Binary.Decoded.class,
                d -> assertThat(d.octets()).isEqualTo(b("caf\u00c3\u00a9")));
        assertThat(parts.binary(List.of(2))).isInstanceOfSatisfying(MessageParts.Binary.Decoded.class,
                d -> assertThat(d.octets()).containsExactly(0, 1, 2, 0xff));
        assertThat(parts.binary(List.of(3))).isInstanceOf(MessageParts.Binary.UnknownEncoding.class);
        assertThat(parts.binary(List.of(4, 1))).isInstanceOfSatisfying(MessageParts.Binary.Decoded.class,
                d -> assertThat(s(d.octets())).isEqualTo("inner"));
        // A message/rfc822 part as a whole is not encoded: returned as it is.
        assertThat(parts.binary(List.of(4))).isInstanceOfSatisfying(MessageParts.Binary.Decoded.class,
                d -> assertThat(s(d.octets())).startsWith("Subject: inner"));
        assertThat(parts.binary(List.of(5))).isInstanceOf(MessageParts.Binary.NoSuchPart.class);
        assertThat(parts.binary(List.of(1, 2))).isInstanceOf(MessageParts.Binary.NoSuchPart.class);
        assertThat(parts.binary(List.of())).isInstanceOfSatisfying(MessageParts.Binary.Decoded.class,
                d -> assertThat(s(d.octets())).isEqualTo(MULTIPART));
    }

    @Test
    void aSinglePartMessageIsPartOne() {
        MessageParts parts = MessageParts.parse(b("Subject: x\r\nContent-Transfer-Encoding: base64\r\n\r\nAA==\r\n"));
        assertThat(parts.binary(List.of(1))).isInstanceOfSatisfying(MessageParts.Binary.Decoded.class,
                d -> assertThat(d.octets()).containsExactly(0));
        assertThat(parts.binary(List.of(2))).isInstanceOf(MessageParts.Binary.NoSuchPart.class);
    }
}
