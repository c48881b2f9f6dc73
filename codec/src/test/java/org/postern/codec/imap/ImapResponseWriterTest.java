package org.postern.codec.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.postern.codec.imap.ImapResponse.Status;

class ImapResponseWriterTest {

    private static String write(boolean utf8, ImapResponse... responses) throws IOException {
        return new String(bytes(utf8, responses), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(boolean utf8, ImapResponse... responses) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImapResponseWriter writer = new ImapResponseWriter(out);
        writer.setUtf8(utf8);
        for (ImapResponse r : responses) {
            writer.write(r);
        }
        writer.flush();
        return out.toByteArray();
    }

    private static String write(ImapResponse... responses) throws IOException {
        return write(false, responses);
    }

    private static ImapResponse str(String s) {
        return new ImapResponse.Data(List.of(new ImapValue.Atom("X"), new ImapValue.Str(s)));
    }

    @Test
    void statusResponsesAsInTheRfcs() throws IOException {
        assertThat(write(ImapResponse.ok("A003", ResponseCode.appendUid(38505, NumberRanges.of(3955)), "APPEND completed")))
                .isEqualTo("A003 OK [APPENDUID 38505 3955] APPEND completed\r\n");
        assertThat(write(ImapResponse.no("A004", ResponseCode.TRYCREATE, "No such mailbox")))
                .isEqualTo("A004 NO [TRYCREATE] No such mailbox\r\n");
        assertThat(write(ImapResponse.bad("A005", "Syntax error")))
                .isEqualTo("A005 BAD Syntax error\r\n");
        assertThat(write(ImapResponse.untagged(Status.OK, ResponseCode.uidValidity(3857529045L), "UIDs valid")))
                .isEqualTo("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n");
        assertThat(write(ImapResponse.untagged(Status.OK, ResponseCode.permanentFlags(List.of("\\Deleted", "\\Seen", "\\*")),
                "Limited"))).isEqualTo("* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n");
        assertThat(write(ImapResponse.bye("Logging out"))).isEqualTo("* BYE Logging out\r\n");
        assertThat(write(new ImapResponse.Untagged(Status.PREAUTH, Optional.empty(), "Welcome")))
                .isEqualTo("* PREAUTH Welcome\r\n");
        assertThat(write(ImapResponse.ok("a", ResponseCode.highestModSeq(715194045007L), "Ok")))
                .isEqualTo("a OK [HIGHESTMODSEQ 715194045007] Ok\r\n");
        assertThat(write(ImapResponse.ok("a", ResponseCode.capability(List.of("IMAP4rev1", "IDLE")), "Logged in")))
                .isEqualTo("a OK [CAPABILITY IMAP4rev1 IDLE] Logged in\r\n");
    }

    @Test
    void copyUidKeepsTheOrderOfCorrespondingSets() throws IOException {
        // RFC 4315 §3's example.
        ResponseCode code = ResponseCode.copyUid(38505, List.of(304L, 319L, 320L), List.of(3956L, 3957L, 3958L));
        assertThat(code.toString()).isEqualTo("[COPYUID 38505 304,319:320 3956:3958]");
        assertThat(ResponseCode.copyUid(1, List.of(9L, 8L), List.of(20L, 21L)).toString())
                .isEqualTo("[COPYUID 1 9,8 20:21]");
        assertThatThrownBy(() -> ResponseCode.copyUid(1, List.of(1L), List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void continuationRequests() throws IOException {
        assertThat(write(ImapResponse.goAhead())).isEqualTo("+ go ahead\r\n");
        assertThat(write(new ImapResponse.Continuation(""))).isEqualTo("+ \r\n");
        assertThat(write(new ImapResponse.Continuation("dGVzdA=="))).isEqualTo("+ dGVzdA==\r\n");
    }

    @Test
    void stringsAreQuotedWithEscapesWhenSafe() throws IOException {
        assertThat(write(str("INBOX"))).isEqualTo("* X \"INBOX\"\r\n");
        assertThat(write(str(""))).isEqualTo("* X \"\"\r\n");
        assertThat(write(str("say \"hi\" \\o/"))).isEqualTo("* X \"say \\\"hi\\\" \\\\o/\"\r\n");
    }

    @Test
    void aLineEndInsideAValueBecomesALiteral() throws IOException {
        assertThat(write(str("a\r\nb OK"))).isEqualTo("* X {7}\r\na\r\nb OK\r\n");
        assertThat(write(str("a\nb"))).isEqualTo("* X {3}\r\na\nb\r\n");
        assertThat(write(str("tab\there"))).isEqualTo("* X {8}\r\ntab\there\r\n");
    }

    @Test
    void eightBitTextIsALiteralUnlessUtf8IsEnabled() throws IOException {
        assertThat(write(false, str("caf\u00e9"))).isEqualTo("* X {5}\r\ncaf\u00e9\r\n");
        assertThat(write(true, str("caf\u00e9"))).isEqualTo("* X \"caf\u00e9\"\r\n");
        byte[] latin1 = {'c', (byte) 0xe9};
        ImapResponse octets = new ImapResponse.Data(List.of(new ImapValue.Atom("X"), new ImapValue.Octets(latin1)));
        assertThat(bytes(true, octets)).containsExactly('*', ' ', 'X', ' ', '{', '2', '}', '\r', '\n', 'c', 0xe9, '\r', '\n');
    }

    @Test
    void nulIsNeverSent() throws IOException {
        assertThat(write(true, str("a\0b"))).isEqualTo("* X \"a\ufffdb\"\r\n");
    }

    @Test
    void longStringsAreLiterals() throws IOException {
        String max = "x".repeat(ImapResponseWriter.MAX_QUOTED_BYTES);
        assertThat(write(str(max))).startsWith("* X \"x");
        assertThat(write(str(max + "x"))).startsWith("* X {1025}\r\nxx");
    }

    @Test
    void mailboxNamesFollowTheMode() throws IOException {
        ImapResponse list = ImapResponse.list(List.of("\\HasNoChildren", "\\Drafts"), '/', new MailboxName("Entw\u00fcrfe"),
                List.of());
        assertThat(write(false, list)).isEqualTo("* LIST (\\HasNoChildren \\Drafts) \"/\" \"Entw&APw-rfe\"\r\n");
        assertThat(write(true, list)).isEqualTo("* LIST (\\HasNoChildren \\Drafts) \"/\" \"Entw\u00fcrfe\"\r\n");
        assertThat(write(ImapResponse.list(List.of("\\Noselect"), null, new MailboxName(""), List.of())))
                .isEqualTo("* LIST (\\Noselect) NIL \"\"\r\n");
        assertThat(write(ImapResponse.list(List.of(), '/', new MailboxName("Foo"),
                List.of(new ImapValue.Str("CHILDINFO"), ImapValue.list(new ImapValue.Str("SUBSCRIBED"))))))
                .isEqualTo("* LIST () \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n");
        assertThat(write(ImapResponse.lsub(List.of(), '/', MailboxName.INBOX))).isEqualTo("* LSUB () \"/\" \"INBOX\"\r\n");
    }

    @Test
    void untaggedData() throws IOException {
        assertThat(write(ImapResponse.exists(23))).isEqualTo("* 23 EXISTS\r\n");
        assertThat(write(ImapResponse.recent(1))).isEqualTo("* 1 RECENT\r\n");
        assertThat(write(ImapResponse.expunge(3))).isEqualTo("* 3 EXPUNGE\r\n");
        assertThat(write(ImapResponse.vanished(true, NumberRanges.of(41, 43, 44, 45))))
                .isEqualTo("* VANISHED (EARLIER) 41,43:45\r\n");
        assertThat(write(ImapResponse.capability(List.of("IMAP4rev1", "LITERAL+", "AUTH=PLAIN"))))
                .isEqualTo("* CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN\r\n");
        assertThat(write(ImapResponse.enabled(List.of()))).isEqualTo("* ENABLED\r\n");
        assertThat(write(ImapResponse.flags(List.of("\\Answered", "$Forwarded")))).isEqualTo("* FLAGS (\\Answered $Forwarded)\r\n");
        Map<StatusItem, Long> status = new LinkedHashMap<>();
        status.put(StatusItem.MESSAGES, 231L);
        status.put(StatusItem.UIDNEXT, 44292L);
        assertThat(write(ImapResponse.status(new MailboxName("blurdybloop"), status)))
                .isEqualTo("* STATUS \"blurdybloop\" (MESSAGES 231 UIDNEXT 44292)\r\n");
        assertThat(write(ImapResponse.search(NumberRanges.of(2, 3, 4, 84), Optional.empty())))
                .isEqualTo("* SEARCH 2 3 4 84\r\n");
        assertThat(write(ImapResponse.search(NumberRanges.empty(), Optional.of(917162500L))))
                .isEqualTo("* SEARCH (MODSEQ 917162500)\r\n");
        assertThat(write(ImapResponse.sort(List.of(5L, 3L, 4L), Optional.empty()))).isEqualTo("* SORT 5 3 4\r\n");
        assertThat(write(ImapResponse.esearch("A282", true, Optional.of(2L), Optional.empty(), Optional.of(3L),
                Optional.of(NumberRanges.of(2, 10, 11)), Optional.empty())))
                .isEqualTo("* ESEARCH (TAG \"A282\") UID MIN 2 COUNT 3 ALL 2,10:11\r\n");
        Map<String, Character> personal = new LinkedHashMap<>();
        personal.put("", '/');
        assertThat(write(ImapResponse.namespace(personal, Map.of(), Map.of())))
                .isEqualTo("* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n");
        Map<String, String> id = new LinkedHashMap<>();
        id.put("name", "Postern");
        id.put("support-url", null);
        assertThat(write(ImapResponse.id(id))).isEqualTo("* ID (\"name\" \"Postern\" \"support-url\" NIL)\r\n");
        assertThat(write(ImapResponse.id(Map.of()))).isEqualTo("* ID NIL\r\n");
        Map<String, long[]> quota = new LinkedHashMap<>();
        quota.put("STORAGE", new long[] {10, 512});
        assertThat(write(ImapResponse.quota("", quota))).isEqualTo("* QUOTA \"\" (STORAGE 10 512)\r\n");
        assertThat(write(ImapResponse.quotaRoot(MailboxName.INBOX, List.of("")))).isEqualTo("* QUOTAROOT \"INBOX\" \"\"\r\n");
    }

    @Test
    void fetchResponsesStreamLiteralsExactly() throws IOException {
        byte[] header = "Subject: hi\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        FetchAttribute section = new FetchAttribute.BodySection(
                new FetchAttribute.Section(List.of(), FetchAttribute.SectionText.HEADER_FIELDS, List.of("Subject", "X-(odd)")),
                true, Optional.of(new FetchAttribute.Partial(0, 100)));
        ImapResponse fetch = ImapResponse.fetch(12, List.of(
                new ImapValue.Atom("UID"), new ImapValue.Number(4827313),
                new ImapValue.Atom("FLAGS"), ImapValue.list(new ImapValue.Flag("\\Seen")),
                new ImapValue.Atom("INTERNALDATE"),
                ImapResponse.internalDate(OffsetDateTime.of(1996, 7, 17, 2, 44, 25, 0, ZoneOffset.ofHours(-7))),
                new ImapValue.Raw(section.label()),
                new ImapValue.Literal(header.length, new ByteArrayInputStream(header), false)));
        assertThat(write(fetch)).isEqualTo("* 12 FETCH (UID 4827313 FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\""
                + " BODY[HEADER.FIELDS (Subject \"X-(odd)\")]<0> {15}\r\nSubject: hi\r\n\r\n)\r\n");
    }

    @Test
    void aStreamedLiteralIsCutAtItsSizeAndAShortOneFailsLoudly() throws IOException {
        byte[] data = "0123456789".getBytes(StandardCharsets.US_ASCII);
        ImapResponse longer = new ImapResponse.Data(List.of(new ImapValue.Atom("X"),
                new ImapValue.Literal(4, new ByteArrayInputStream(data), true)));
        assertThat(write(longer)).isEqualTo("* X ~{4}\r\n0123\r\n");
        ImapResponse shorter = new ImapResponse.Data(List.of(new ImapValue.Atom("X"),
                new ImapValue.Literal(20, new ByteArrayInputStream(data), false)));
        assertThatThrownBy(() -> write(shorter)).isInstanceOf(EOFException.class);
    }

    @Test
    void nothingTheSessionPassesCanInjectALine() {
        assertThatThrownBy(() -> ImapResponse.ok("a", "done\r\n* OK injected")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImapResponse.ok("a", "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImapResponse.ok("a", "caf\u00e9")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImapResponse.ok("a", "[ALERT] fake code")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImapResponse.ok("a b", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImapResponse.ok("+", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImapResponse.Tagged("a", Status.BYE, Optional.empty(), "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImapResponse.Continuation("x\r\n")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ResponseCode("X", "a] b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ResponseCode("X Y", "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImapValue.Raw("BODY[]\r\n")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImapValue.Raw("{5}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImapValue.Atom("two words")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImapValue.Flag("\\Seen)")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImapValue.Number(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImapValue.NumberSeries(NumberRanges.empty())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anyStringRoundTripsThroughAClientAndKeepsTheFraming() throws IOException {
        Random random = new Random(0xE4C0DEL);
        String[] pieces = {"a", " ", "\"", "\\", "\r", "\n", "\r\n", "{3}", "\u00e9", "\u65e5", "\0", ")", "(", "*", "x".repeat(600)};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(8);
            for (int k = 0; k < n; k++) {
                b.append(pieces[random.nextInt(pieces.length)]);
            }
            String value = b.toString();
            String expectedName = value.replaceAll("[\\x00-\\x1f]", "_");
            if (!MailboxName.isValid(expectedName)) {
                expectedName = expectedName.substring(0, MailboxName.MAX_BYTES / 4);
            }
            boolean utf8 = random.nextBoolean();
            ImapResponse response = new ImapResponse.Data(List.of(new ImapValue.Atom("X"),
                    ImapValue.list(new ImapValue.Str(value), ImapValue.NIL), new ImapValue.Mailbox(
                            new MailboxName(expectedName))));
            byte[] wire = bytes(utf8, response, ImapResponse.exists(1));
            ResponseDecoder decoder = new ResponseDecoder(wire);
            List<Object> first = decoder.next();
            assertThat(first).hasSize(4);
            assertThat(first.subList(0, 2)).containsExactly("*", "X");
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) first.get(2);
            assertThat(new String((byte[]) list.get(0), StandardCharsets.UTF_8)).isEqualTo(value.replace('\0', '\ufffd'));
            assertThat(list.get(1)).isSameAs(ResponseDecoder.NIL);
            byte[] name = (byte[]) first.get(3);
            assertThat(utf8 ? new String(name, StandardCharsets.UTF_8)
                    : MailboxNameCodec.decodeModifiedUtf7(name).orElseThrow()).isEqualTo(expectedName);
            // The next response starts exactly where it should: nothing leaked out of the value.
            assertThat(decoder.next()).containsExactly("*", "1", "EXISTS");
            assertThat(decoder.atEnd()).isTrue();
        }
    }

    @Test
    void fetchLabelsNameWhatWasAsked() {
        assertThat(new FetchAttribute.BodySection(FetchAttribute.Section.WHOLE, true, Optional.empty()).label())
                .isEqualTo("BODY[]");
        assertThat(new FetchAttribute.BodySection(new FetchAttribute.Section(List.of(1, 2), FetchAttribute.SectionText.MIME,
                List.of()), false, Optional.of(new FetchAttribute.Partial(10, 5))).label()).isEqualTo("BODY[1.2.MIME]<10>");
        assertThat(new FetchAttribute.Binary(List.of(3), true, Optional.empty()).label()).isEqualTo("BINARY[3]");
        assertThat(new FetchAttribute.BinarySize(List.of()).label()).isEqualTo("BINARY.SIZE[]");
        assertThat(FetchAttribute.Simple.RFC822_SIZE.label()).isEqualTo("RFC822.SIZE");
        assertThatThrownBy(() -> new FetchAttribute.Section(List.of(), FetchAttribute.SectionText.MIME, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FetchAttribute.Section(List.of(), FetchAttribute.SectionText.HEADER_FIELDS, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
