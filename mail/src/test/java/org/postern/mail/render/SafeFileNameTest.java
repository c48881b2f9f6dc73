package org.postern.mail.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SafeFileNameTest {
    private static String safe(String name) {
        return SafeFileName.of(name, "fallback");
    }

    @Test
    void pathsAndTraversalLoseEverythingButTheLastElement() {
        assertThat(safe("../../etc/passwd")).isEqualTo("passwd");
        assertThat(safe("C:\\Windows\\system32\\cmd.exe")).isEqualTo("cmd.exe");
        assertThat(safe("..")).isEqualTo("fallback");
        assertThat(safe("/")).isEqualTo("fallback");
        assertThat(safe(".bashrc")).isEqualTo("bashrc");
    }

    @Test
    void controlReservedAndBidiCharactersAreReplaced() {
        assertThat(safe("a\u0000b\r\nc.txt")).isEqualTo("a_b__c.txt");
        assertThat(safe("invoice\u202Efdp.exe")).isEqualTo("invoice_fdp.exe");
        assertThat(safe("what?<>:\"|*.txt")).isEqualTo("what_______.txt");
    }

    @Test
    void windowsDeviceNamesAndTrailingDotsOrSpaces() {
        assertThat(safe("CON")).isEqualTo("_CON");
        assertThat(safe("nul.txt")).isEqualTo("_nul.txt");
        assertThat(safe("com1.tar.gz")).isEqualTo("_com1.tar.gz");
        assertThat(safe("report.pdf. . ")).isEqualTo("report.pdf");
        assertThat(safe("console.txt")).isEqualTo("console.txt");
    }

    @Test
    void longNamesKeepTheirExtension() {
        String s = safe("x".repeat(500) + ".pdf");
        assertThat(s).hasSize(SafeFileName.MAX_CHARS).endsWith(".pdf");
        assertThat(safe(null)).isEqualTo("fallback");
        assertThat(safe("Grüße.txt")).isEqualTo("Grüße.txt");
    }

    @Test
    void activeTypesAreServedAsOctetStream() {
        assertThat(ContentTypes.forDownload("text/html; charset=utf-8")).isEqualTo(ContentTypes.OCTET_STREAM);
        assertThat(ContentTypes.forDownload("image/svg+xml")).isEqualTo(ContentTypes.OCTET_STREAM);
        assertThat(ContentTypes.forDownload("application/javascript")).isEqualTo(ContentTypes.OCTET_STREAM);
        assertThat(ContentTypes.forDownload("text/xml")).isEqualTo(ContentTypes.OCTET_STREAM);
        assertThat(ContentTypes.forDownload("application/xhtml+xml")).isEqualTo(ContentTypes.OCTET_STREAM);
        assertThat(ContentTypes.forDownload("IMAGE/PNG")).isEqualTo("image/png");
        assertThat(ContentTypes.isInlineImage("image/svg+xml")).isFalse();
        assertThat(ContentTypes.isInlineImage("image/webp")).isTrue();
    }
}
