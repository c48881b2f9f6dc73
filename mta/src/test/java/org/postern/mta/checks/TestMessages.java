package org.postern.mta.checks;

import java.nio.charset.StandardCharsets;

/** Small RFC 5322 messages for the tests, CRLF line ends. */
final class TestMessages {
    private TestMessages() {}

    static byte[] message(String from, String subject, String body) {
        return ("From: " + from + "\r\n"
                + "To: Bob <bob@postern.test>\r\n"
                + "Subject: " + subject + "\r\n"
                + "Date: Mon, 02 Nov 2026 10:00:00 +0000\r\n"
                + "Message-ID: <m1@example.test>\r\n"
                + "\r\n"
                + body).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] simple() {
        return message("Alice <alice@example.test>", "Quarterly  numbers",
                "Hello Bob,\r\n  here  are the numbers.  \r\n\r\nAlice\r\n\r\n\r\n");
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
