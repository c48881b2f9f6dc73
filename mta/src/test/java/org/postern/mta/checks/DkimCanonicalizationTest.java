package org.postern.mta.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The canonicalisation algorithms against RFC 6376 §3.4.5 and edge cases. */
class DkimCanonicalizationTest {

    private static byte[] sha256(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] hash(String body, boolean relaxed, long limit) {
        BodyHasher h = new BodyHasher(relaxed, limit);
        byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
        h.update(b, 0, b.length);
        return h.finish();
    }

    private static byte[] hashByteByByte(String body, boolean relaxed) {
        BodyHasher h = new BodyHasher(relaxed, Long.MAX_VALUE);
        byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < b.length; i++) {
            h.update(b, i, 1);
        }
        return h.finish();
    }

    @Test
    void theRfcExampleBodyCanonicalisesAsSpecified() throws Exception {
        String body = " C \r\nD \t E\r\n\r\n\r\n";
        assertThat(hash(body, true, Long.MAX_VALUE)).isEqualTo(sha256(" C\r\nD E\r\n"));
        assertThat(hash(body, false, Long.MAX_VALUE)).isEqualTo(sha256(" C \r\nD \t E\r\n"));
    }

    @Test
    void theRfcExampleHeadersCanonicaliseAsSpecified() {
        assertThat(DkimVerifier.relaxedHeader("A: X\r\n")).isEqualTo("a:X");
        assertThat(DkimVerifier.relaxedHeader("B : Y\t\r\n\tZ  \r\n")).isEqualTo("b:Y Z");
    }

    @Test
    void emptyBodiesDifferBetweenSimpleAndRelaxed() throws Exception {
        assertThat(hash("", false, Long.MAX_VALUE)).isEqualTo(sha256("\r\n"));
        assertThat(hash("\r\n\r\n", false, Long.MAX_VALUE)).isEqualTo(sha256("\r\n"));
        assertThat(hash("", true, Long.MAX_VALUE)).isEqualTo(sha256(""));
        assertThat(hash(" \r\n\t\r\n", true, Long.MAX_VALUE)).isEqualTo(sha256(""));
    }

    @Test
    void aMissingFinalLineEndIsAdded() throws Exception {
        assertThat(hash("abc", false, Long.MAX_VALUE)).isEqualTo(sha256("abc\r\n"));
        assertThat(hash("abc  ", true, Long.MAX_VALUE)).isEqualTo(sha256("abc\r\n"));
    }

    @Test
    void bareLineFeedsEndLinesAndBareCarriageReturnsAreContent() throws Exception {
        assertThat(hash("a\nb\n\n", false, Long.MAX_VALUE)).isEqualTo(sha256("a\r\nb\r\n"));
        assertThat(hash("a\rb\r\n", false, Long.MAX_VALUE)).isEqualTo(sha256("a\rb\r\n"));
    }

    @Test
    void inputSplitAnywhereHashesTheSame() {
        String body = "x \t y \r\n\r\n z\r\n \r\n\r\nend\r\r\n";
        assertThat(hashByteByByte(body, true)).isEqualTo(hash(body, true, Long.MAX_VALUE));
        assertThat(hashByteByByte(body, false)).isEqualTo(hash(body, false, Long.MAX_VALUE));
    }

    @Test
    void theLengthLimitHashesAPrefixAndCountsTheRest() throws Exception {
        BodyHasher h = new BodyHasher(false, 5);
        byte[] b = "hello world\r\n".getBytes(StandardCharsets.US_ASCII);
        h.update(b, 0, b.length);
        assertThat(h.finish()).isEqualTo(sha256("hello"));
        assertThat(h.canonicalLength()).isEqualTo(13);
    }

    @Test
    void theSignatureValueIsEmptiedButNothingElse() {
        String field = "DKIM-Signature: v=1; a=rsa-sha256; bh=abc=;\r\n\tb=dGVz\r\n\t dA==; d=x.test\r\n";
        assertThat(DkimVerifier.withoutSignatureValue(field))
                .isEqualTo("DKIM-Signature: v=1; a=rsa-sha256; bh=abc=;\r\n\tb=; d=x.test\r\n");
        String last = "DKIM-Signature: v=1; bh=abc=; b=dGVzdA==\r\n";
        assertThat(DkimVerifier.withoutSignatureValue(last)).isEqualTo("DKIM-Signature: v=1; bh=abc=; b=\r\n");
    }

    @Test
    void headerBlocksAreSplitIntoFieldsWithFoldingKept() throws Exception {
        HeaderBlock h = HeaderBlock.read(new java.io.ByteArrayInputStream(
                "A: 1\nB: 2\r\n  more\r\nno colon line\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII)), 1024);
        assertThat(h.fields()).hasSize(3);
        assertThat(h.fields().get(0).raw()).isEqualTo("A: 1\r\n");
        assertThat(h.fields().get(1).raw()).isEqualTo("B: 2\r\n  more\r\n");
        assertThat(h.fields().get(1).unfoldedValue()).isEqualTo("2  more");
        assertThat(h.fields().get(2).name()).isEmpty();
        assertThat(h.fields("b")).hasSize(1);
        assertThat(Optional.of(h.fields("a").get(0).value())).contains(" 1");
    }

    @Test
    void tagListsRefuseDuplicatesAndBadNames() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TagList.parse("a=1; a=2"))
                .isInstanceOf(TagList.SyntaxException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TagList.parse("1a=1"))
                .isInstanceOf(TagList.SyntaxException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TagList.parse("a=1;;b=2"))
                .isInstanceOf(TagList.SyntaxException.class);
    }
}
