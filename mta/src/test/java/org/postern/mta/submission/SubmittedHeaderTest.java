package org.postern.mta.submission;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postern.model.EmailAddress;

class SubmittedHeaderTest {
    private static SubmittedHeader read(String message) throws IOException {
        return SubmittedHeader.read(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)), 4096);
    }

    private static SubmittedHeader.Authors authors(String from) throws IOException {
        return read("From: " + from + "\r\nSubject: x\r\n\r\nbody\r\n").authors();
    }

    @Test
    void aPlainFromAndAFoldedOneAreTheirAuthors() throws IOException {
        assertThat(authors("Alice <alice@example.test>"))
                .isEqualTo(new SubmittedHeader.Authors.Claimed(List.of(EmailAddress.parse("alice@example.test"))));
        assertThat(read("From: Alice\r\n <alice@example.test>\r\nSender: bob@example.test\r\n\r\n").authors())
                .isEqualTo(new SubmittedHeader.Authors.Claimed(
                        List.of(EmailAddress.parse("alice@example.test"), EmailAddress.parse("bob@example.test"))));
    }

    @Test
    void aDisplayNameCarryingAnotherAddressIsRefusedEvenEncoded() throws IOException {
        assertThat(authors("\"support@bank.example\" <alice@example.test>"))
                .isInstanceOf(SubmittedHeader.Authors.Refused.class);
        assertThat(authors("=?utf-8?B?c3VwcG9ydEBiYW5rLmV4YW1wbGU=?= <alice@example.test>"))
                .isInstanceOf(SubmittedHeader.Authors.Refused.class);
        assertThat(authors("\"alice@example.test\" <alice@example.test>"))
                .as("its own address as the name misleads nobody").isInstanceOf(SubmittedHeader.Authors.Claimed.class);
    }

    @Test
    void noFromSeveralFromsGroupsAndListsAreRefused() throws IOException {
        assertThat(read("Subject: x\r\n\r\n").authors()).isInstanceOf(SubmittedHeader.Authors.Refused.class);
        assertThat(read("From: a@example.test\r\nFrom: b@example.test\r\n\r\n").authors())
                .isInstanceOf(SubmittedHeader.Authors.Refused.class);
        assertThat(authors("a@example.test, b@example.test")).isInstanceOf(SubmittedHeader.Authors.Refused.class);
        assertThat(authors("friends: a@example.test;")).isInstanceOf(SubmittedHeader.Authors.Refused.class);
        assertThat(authors("not an address")).isInstanceOf(SubmittedHeader.Authors.Refused.class);
    }

    @Test
    void aLineThatIsNotAFieldMakesTheSectionMalformed() throws IOException {
        assertThat(read("From: a@example.test\r\nthis is no field\r\n\r\n").malformed()).isTrue();
        assertThat(read(" leading continuation\r\nFrom: a@example.test\r\n\r\n").malformed()).isTrue();
        assertThat(read("From: a@example.test\r\nSubject: fine\r\n\r\nno: header here\r\n").malformed()).isFalse();
    }

    @Test
    void aSectionPastTheBoundIsTooLarge() throws IOException {
        String big = "From: a@example.test\r\nX-Filler: " + "y".repeat(5000) + "\r\n\r\nbody";
        assertThat(read(big).tooLarge()).isTrue();
    }

    @Test
    void splitInputIsReadTheSameAsWhole() throws IOException {
        byte[] bytes = "From: a@example.test\r\nBcc: b@example.test\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII);
        InputStream trickle = new InputStream() {
            int i;

            @Override
            public int read() {
                return i < bytes.length ? bytes[i++] : -1;
            }
        };
        SubmittedHeader h = SubmittedHeader.read(trickle, 4096);
        assertThat(h.values("bcc")).containsExactly("b@example.test");
    }

    @Test
    void fixesAddDateAndMessageIdOnlyWhenMissingAndDropBccAndTrace() throws IOException {
        SubmittedHeader bare = read("From: a@example.test\r\n\r\n");
        List<String> added = SubmissionFixes.missingFields(bare, Instant.parse("2026-01-02T03:04:05Z"), "mail.example.test",
                new byte[16]);
        assertThat(added).containsExactly("Date: Fri, 2 Jan 2026 03:04:05 +0000\r\n",
                "Message-ID: <00000000000000000000000000000000@mail.example.test>\r\n");
        SubmittedHeader full = read("From: a@example.test\r\nDate: x\r\nMessage-Id: <m@x>\r\n\r\n");
        assertThat(SubmissionFixes.missingFields(full, Instant.EPOCH, "h.test", new byte[16])).isEmpty();
        assertThat(SubmissionFixes.dropped().test("BCC: someone@example.test\r\n")).isTrue();
        assertThat(SubmissionFixes.dropped().test("Received: from laptop\r\n\tby x\r\n")).isTrue();
        assertThat(SubmissionFixes.dropped().test("X-Originating-IP: [10.0.0.1]\r\n")).isTrue();
        assertThat(SubmissionFixes.dropped().test("Subject: Bcc: not a field\r\n")).isFalse();
    }
}
