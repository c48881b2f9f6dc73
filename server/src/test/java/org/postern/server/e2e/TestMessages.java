package org.postern.server.e2e;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/** Small RFC 5322 messages with CRLF line ends and a unique Message-ID. */
final class TestMessages {
    private TestMessages() {}

    /** A fresh Message-ID (without angle brackets) in the given domain. */
    static String newMessageId(String domain) {
        return UUID.randomUUID() + "@" + domain;
    }

    static byte[] message(String from, String to, String messageId, String subject, String body) {
        return message("", from, to, messageId, subject, body);
    }

    /** As {@link #message(String, String, String, String, String)} with extra header fields on top (CRLF-ended). */
    static byte[] message(String extraHeaders, String from, String to, String messageId, String subject, String body) {
        String text = extraHeaders
                + "From: " + from + "\r\n"
                + "To: " + to + "\r\n"
                + "Subject: " + subject + "\r\n"
                + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now()) + "\r\n"
                + "Message-ID: <" + messageId + ">\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "\r\n"
                + body.replace("\r\n", "\n").replace("\n", "\r\n");
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
