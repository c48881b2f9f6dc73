package org.postern.codec.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.codec.imap.SequenceSet.STAR;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postern.codec.imap.FetchAttribute.BodySection;
import org.postern.codec.imap.FetchAttribute.Partial;
import org.postern.codec.imap.FetchAttribute.Section;
import org.postern.codec.imap.FetchAttribute.SectionText;
import org.postern.codec.imap.FetchAttribute.Simple;
import org.postern.codec.imap.ImapCommand.AppendMessage;
import org.postern.codec.imap.ImapCommand.ListReturn;
import org.postern.codec.imap.ImapCommand.ListSelection;
import org.postern.codec.imap.ImapCommand.SearchReturn;
import org.postern.codec.imap.ImapCommand.SortKey;
import org.postern.codec.imap.ImapCommand.StoreMode;
import org.postern.codec.imap.SearchKey.DateComparison;
import org.postern.codec.imap.SearchKey.DateField;
import org.postern.codec.imap.SearchKey.TextField;

class ImapCommandParserTest {
    private final ImapLimits limits = ImapLimits.defaults();
    private final ImapCommandParser parser = new ImapCommandParser(limits);

    private ParseResult parse(String command, boolean utf8) {
        byte[] b = command.getBytes(StandardCharsets.UTF_8);
        return parser.parse(b, b.length, utf8);
    }

    private ImapCommand parsed(String command) {
        return parsed(command, false);
    }

    private ImapCommand parsed(String command, boolean utf8) {
        ParseResult r = parse(command, utf8);
        assertThat(r).as(command).isInstanceOf(ParseResult.Parsed.class);
        return ((ParseResult.Parsed) r).command();
    }

    private ParseResult.Rejected rejected(String command) {
        return rejected(command, false);
    }

    private ParseResult.Rejected rejected(String command, boolean utf8) {
        ParseResult r = parse(command, utf8);
        assertThat(r).as(command).isInstanceOf(ParseResult.Rejected.class);
        return (ParseResult.Rejected) r;
    }

    private Refusal refusal(String command) {
        return rejected(command).refusal();
    }

    private static SequenceSet seq(long... bounds) {
        return SequenceSet.ofRanges(bounds);
    }

    private static MailboxName mbox(String name) {
        return new MailboxName(name);
    }

    @Nested
    class TagsAndFraming {
        @Test
        void commandNamesAreCaseInsensitiveAndTagsAreKept() {
            assertThat(parsed("a001 CAPABILITY")).isEqualTo(new ImapCommand.Capability("a001"));
            assertThat(parsed("A1 capability")).isEqualTo(new ImapCommand.Capability("A1"));
            assertThat(parsed("x.y-z]1 NoOp")).isEqualTo(new ImapCommand.Noop("x.y-z]1"));
            assertThat(parsed("a LOGOUT")).isEqualTo(new ImapCommand.Logout("a"));
            assertThat(parsed("a STARTTLS")).isEqualTo(new ImapCommand.StartTls("a"));
            assertThat(parsed("a NAMESPACE")).isEqualTo(new ImapCommand.Namespace("a"));
            assertThat(parsed("a IDLE")).isEqualTo(new ImapCommand.Idle("a"));
            assertThat(parsed("a CHECK")).isEqualTo(new ImapCommand.Check("a"));
            assertThat(parsed("a CLOSE")).isEqualTo(new ImapCommand.Close("a"));
            assertThat(parsed("a UNSELECT")).isEqualTo(new ImapCommand.Unselect("a"));
            assertThat(parsed("a EXPUNGE")).isEqualTo(new ImapCommand.Expunge("a", Optional.empty()));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", " NOOP", "+ NOOP", "a+b NOOP", "(a NOOP", "a{ NOOP", "* NOOP", "\"a\" NOOP",
            "a%b NOOP", "a\u00e9 NOOP"})
        void linesWithoutAValidTagAreAnsweredUntagged(String line) {
            ParseResult.Rejected r = rejected(line);
            assertThat(r.tag()).isEmpty();
            assertThat(r.refusal()).isEqualTo(Refusal.MISSING_TAG);
            assertThat(r.response()).isInstanceOf(ImapResponse.Untagged.class);
        }

        @Test
        void tagsAreBounded() {
            assertThat(parsed("t".repeat(ImapCommandParser.MAX_TAG_LENGTH) + " NOOP")).isInstanceOf(ImapCommand.Noop.class);
            assertThat(refusal("t".repeat(ImapCommandParser.MAX_TAG_LENGTH + 1) + " NOOP")).isEqualTo(Refusal.MISSING_TAG);
        }

        @ParameterizedTest
        @ValueSource(strings = {"a NOOP ", "a  NOOP", "a CAPABILITY x", "a", "a ", "a LOGOUT now", "a NOOP\r",
            "a SELECT  INBOX", "a SELECT INBOX ", "a SELECT\tINBOX", "a NO\0OP"})
        void strictSpacingAndNoStrayBytes(String line) {
            ParseResult.Rejected r = rejected(line);
            assertThat(r.refusal()).isIn(Refusal.SYNTAX, Refusal.UNKNOWN_COMMAND);
            assertThat(r.tag()).contains("a");
            assertThat(r.response().toString()).doesNotContain("NOOP", "INBOX");
        }

        @ParameterizedTest
        @ValueSource(strings = {"a XYZZY", "a SETQUOTA x (STORAGE 1)", "a UID FOO 1", "a UID", "a XLIST \"\" *",
            "a COMPRESS DEFLATE"})
        void unknownCommandsAreRefusedWithTheirTag(String line) {
            assertThat(rejected(line).tag()).contains("a");
            assertThat(parse(line, false)).isIn(new ParseResult.Rejected(Optional.of("a"), Refusal.UNKNOWN_COMMAND),
                    new ParseResult.Rejected(Optional.of("a"), Refusal.SYNTAX));
        }

        @Test
        void refusalsNeverEchoTheCommand() {
            ImapResponse response = rejected("a LOGIN alice \"secret\\x\"").response();
            assertThat(response).isEqualTo(new ImapResponse.Tagged("a", ImapResponse.Status.BAD, Optional.empty(),
                    "Syntax error in command"));
        }

        @Test
        void literalsAreReadInline() {
            assertThat(parsed("a LOGIN {5}\r\nalice {6+}\r\nsecret"))
                    .isEqualTo(new ImapCommand.Login("a", "alice", "secret"));
            assertThat(parsed("a SELECT {5-}\r\ninbox")).isEqualTo(new ImapCommand.Select("a", MailboxName.INBOX, false,
                    false, Optional.empty()));
            assertThat(parsed("a LOGIN {0}\r\n {0}\r\n")).isEqualTo(new ImapCommand.Login("a", "", ""));
        }

        @ParameterizedTest
        @ValueSource(strings = {"a LOGIN {5}\r\nali", "a LOGIN {5}alice x", "a LOGIN {5}\nalice x", "a LOGIN {5x}\r\nalice x",
            "a LOGIN {}\r\n x", "a LOGIN {5}\r\nal\0ce x", "a LOGIN ~{5}\r\nalice x", "a LOGIN {5}\r\nalice"})
        void malformedLiteralsAreSyntaxErrors(String line) {
            assertThat(refusal(line)).isEqualTo(Refusal.SYNTAX);
        }

        @Test
        void literalsAreBoundedByTheParserToo() {
            ImapCommandParser small = new ImapCommandParser(limits.withMaxLiteralBytes(4));
            byte[] b = "a LOGIN {5}\r\nalice x".getBytes(StandardCharsets.US_ASCII);
            assertThat(small.parse(b, b.length, false)).isEqualTo(new ParseResult.Rejected(Optional.of("a"),
                    Refusal.LITERAL_TOO_LARGE));
            assertThat(refusal("a LOGIN {99999999999999999999999999}\r\nx y")).isEqualTo(Refusal.LITERAL_TOO_LARGE);
        }

        @Test
        void namesForLogsCarryNoArguments() {
            assertThat(parsed("a uid fetch 1 flags").name()).isEqualTo("UID FETCH");
            assertThat(parsed("a EXAMINE INBOX").name()).isEqualTo("EXAMINE");
            assertThat(parsed("a UID EXPUNGE 1").name()).isEqualTo("UID EXPUNGE");
            assertThat(parsed("a LOGIN alice secret").name()).isEqualTo("LOGIN");
        }
    }

    @Nested
    class AuthenticationAndSession {
        @Test
        void login() {
            assertThat(parsed("a001 LOGIN SMITH SESAME")).isEqualTo(new ImapCommand.Login("a001", "SMITH", "SESAME"));
            assertThat(parsed("a LOGIN \"fred smith\" \"pa\\\"ss\\\\word\""))
                    .isEqualTo(new ImapCommand.Login("a", "fred smith", "pa\"ss\\word"));
            assertThat(parsed("a LOGIN \"j\u00f6rg\" \"p\u00e4ss\"")).isEqualTo(new ImapCommand.Login("a", "j\u00f6rg",
                    "p\u00e4ss"));
            assertThat(refusal("a LOGIN j\u00f6rg x")).isEqualTo(Refusal.SYNTAX); // atoms are ASCII
            assertThat(parsed("a LOGIN alice secret").toString()).doesNotContain("secret").contains("alice");
        }

        @Test
        void loginWithMalformedArguments() {
            assertThat(refusal("a LOGIN alice")).isEqualTo(Refusal.SYNTAX);
            assertThat(refusal("a LOGIN alice \"unterminated")).isEqualTo(Refusal.SYNTAX);
            assertThat(refusal("a LOGIN alice \"bad\\escape\"")).isEqualTo(Refusal.SYNTAX);
            assertThat(refusal("a LOGIN alice (x)")).isEqualTo(Refusal.SYNTAX);
            byte[] bad = {'a', ' ', 'L', 'O', 'G', 'I', 'N', ' ', 'x', ' ', '"', (byte) 0xc3, 0x28, '"'};
            assertThat(parser.parse(bad, bad.length, false))
                    .isEqualTo(new ParseResult.Rejected(Optional.of("a"), Refusal.INVALID_UTF8));
        }

        @Test
        void authenticateWithAndWithoutAnInitialResponse() {
            assertThat(parsed("a AUTHENTICATE plain"))
                    .isEqualTo(new ImapCommand.Authenticate("a", "PLAIN", Optional.empty()));
            ImapCommand ir = parsed("a AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==");
            assertThat(ir).isEqualTo(new ImapCommand.Authenticate("a", "PLAIN", Optional.of("AGFsaWNlAHNlY3JldA==")));
            assertThat(ir.toString()).doesNotContain("AGFs");
            assertThat(parsed("a AUTHENTICATE EXTERNAL =")).isEqualTo(new ImapCommand.Authenticate("a", "EXTERNAL",
                    Optional.of("=")));
            assertThat(parsed("a AUTHENTICATE SCRAM-SHA-256")).isInstanceOf(ImapCommand.Authenticate.class);
            assertThat(refusal("a AUTHENTICATE PLAIN AGFsaWNl*")).isEqualTo(Refusal.INVALID_BASE64);
            assertThat(refusal("a AUTHENTICATE PLAIN abc")).isEqualTo(Refusal.INVALID_BASE64);
            assertThat(refusal("a AUTHENTICATE PLAIN a=bc")).isEqualTo(Refusal.INVALID_BASE64);
            assertThat(refusal("a AUTHENTICATE")).isEqualTo(Refusal.SYNTAX);
            assertThat(refusal("a AUTHENTICATE X.Y")).isEqualTo(Refusal.SYNTAX);
        }

        @Test
        void enable() {
            assertThat(parsed("a ENABLE CONDSTORE qresync utf8=accept"))
                    .isEqualTo(new ImapCommand.Enable("a", List.of("CONDSTORE", "QRESYNC", "UTF8=ACCEPT")));
            assertThat(refusal("a ENABLE")).isEqualTo(Refusal.SYNTAX);
            assertThat(refusal("a ENABLE (X)")).isEqualTo(Refusal.SYNTAX);
        }

        @Test
        void idAsThunderbirdAndAppleMailSendIt() {
            assertThat(parsed("1 ID (\"name\" \"Thunderbird\" \"version\" \"115.3.1\")")).isEqualTo(new ImapCommand.Id("1",
                    List.of(new ImapCommand.IdField("name", Optional.of("Thunderbird")),
                            new ImapCommand.IdField("version", Optional.of("115.3.1")))));
            assertThat(parsed("2 ID NIL")).isEqualTo(new ImapCommand.Id("2", List.of()));
            assertThat(parsed("3 ID (\"name\" NIL)")).isEqualTo(new ImapCommand.Id("3",
                    List.of(new ImapCommand.IdField("name", Optional.empty()))));
            assertThat(parsed("4 ID ()")).isEqualTo(new ImapCommand.Id("4", List.of()));
        }

        @Test
        void idIsBoundedAsRfc2971Says() {
            StringBuilder many = new StringBuilder("a ID (");
            for (int i = 0; i < 31; i++) {
                many.append(i == 0 ? "" : " ").append("\"k").append(i).append("\" \"v\"");
            }
            assertThat(refusal(many.append(")").toString())).isEqualTo(Refusal.TOO_MANY_TOKENS);
            assertThat(refusal("a ID (\"" + "k".repeat(31) + "\" \"v\")")).isEqualTo(Refusal.TOO_MANY_TOKENS);
            // Octets, not characters: 16 two-octet characters are 32 octets.
            assertThat(refusal("a ID (\"" + "\u00e9".repeat(16) + "\" \"v\")")).isEqualTo(Refusal.TOO_MANY_TOKENS);
            assertThat(parsed("a ID (\"" + "\u00e9".repeat(15) + "\" \"v\")")).isInstanceOf(ImapCommand.Id.class);
            assertThat(refusal("a ID (name \"v\")")).isEqualTo(Refusal.SYNTAX); // names are strings, not atoms
            assertThat(refusal("a ID (\"name\")")).isEqualTo(Refusal.SYNTAX);
        }
    }

    @Nested
    class Mailboxes {
        @Test
        void selectAndExamine() {
            assertThat(parsed("A142 SELECT INBOX")).isEqualTo(new ImapCommand.Select("A142", MailboxName.INBOX, false,
                    false, Optional.empty()));
            assertThat(parsed("A932 EXAMINE blurdybloop")).isEqualTo(new ImapCommand.Select("A932", mbox("blurdybloop"),
                    true, false, Optional.empty()));
            assertThat(parsed("a select \"Entw&APw-rfe\"")).isEqualTo(new ImapCommand.Select("a", mbox("Entw\u00fcrfe"),
                    false, false, Optional.empty()));
            assertThat(parsed("a SELECT INBOX (CONDSTORE)")).isEqualTo(new ImapCommand.Select("a", MailboxName.INBOX,
                    false, true, Optional.empty()));
        }

        @Test
        void selectWithQresyncAsInRfc7162() {
            assertThat(parsed("A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))"))
                    .isEqualTo(new ImapCommand.Select("A02", MailboxName.INBOX, false, false, Optional.of(
                            new ImapCommand.Qresync(67890007L, 20050715194045000L, Optional.of(seq(41, 41, 43, 211, 214, 541)),
                                    Optional.empty(), Optional.empty()))));
            ImapCommand.Select b04 = (ImapCommand.Select) parsed("B04 SELECT INBOX (QRESYNC (67890007 "
                    + "90060115194045000 1:29997 (5000,7500,9000,9990:9999 15000,22500,27000,29970,29973,29976,29979,"
                    + "29982,29985,29988,29991,29994,29997)))");
            ImapCommand.Qresync q = b04.qresync().orElseThrow();
            assertThat(q.knownUids()).contains(seq(1, 29997));
            assertThat(q.knownSequenceNumbers().orElseThrow().toString()).isEqualTo("5000,7500,9000,9990:9999");
            assertThat(q.knownSequenceUids().orElseThrow().ranges()).hasSize(13);
            assertThat(parsed("a SELECT INBOX (QRESYNC (1 2 (1:2 3:4)) CONDSTORE)")).isInstanceOf(ImapCommand.Select.class);
            assertThat(parsed("a SELECT INBOX (QRESYNC (1 2))")).isInstanceOf(ImapCommand.Select.class);
        }

        @ParameterizedTest
        @ValueSource(strings = {"a SELECT INBOX (QRESYNC (1 2 1:*))", "a SELECT INBOX (QRESYNC (0 2))",
            "a SELECT INBOX (QRESYNC (1 0))", "a SELECT INBOX (QRESYNC (1 2 (1:2)))", "a SELECT INBOX (FOO)",
            "a SELECT INBOX ()", "a SELECT INBOX (QRESYNC)", "a SELECT INBOX CONDSTORE", "a SELECT",
            "a SELECT INBOX (QRESYNC (1 2 $))"})
        void malformedSelectParameters(String line) {
            assertThat(refusal(line)).isIn(Refusal.SYNTAX, Refusal.INVALID_SEQUENCE_SET);
        }

        @Test
        void mailboxNamesAreDecodedStrictlyPerMode() {
            assertThat(refusal("a SELECT \"caf\u00e9\"")).isEqualTo(Refusal.INVALID_MAILBOX_NAME);
            assertThat(refusal("a SELECT &AGE-")).isEqualTo(Refusal.INVALID_MAILBOX_NAME);
            assertThat(refusal("a DELETE \"a&AAo-b\"")).isEqualTo(Refusal.INVALID_MAILBOX_NAME);
            assertThat(parsed("a SELECT \"caf\u00e9\"", true)).isEqualTo(new ImapCommand.Select("a", mbox("caf\u00e9"),
                    false, false, Optional.empty()));
            byte[] invalidUtf8 = {'a', ' ', 'S', 'E', 'L', 'E', 'C', 'T', ' ', '"', (byte) 0xc0, (byte) 0xaf, '"'};
            assertThat(parser.parse(invalidUtf8, invalidUtf8.length, true))
                    .isEqualTo(new ParseResult.Rejected(Optional.of("a"), Refusal.INVALID_MAILBOX_NAME));
            assertThat(parsed("a SELECT \"R&D\"", true)).isEqualTo(new ImapCommand.Select("a", mbox("R&D"), false,
                    false, Optional.empty()));
        }

        @Test
        void createDeleteRenameSubscribe() {
            assertThat(parsed("A003 CREATE owatagusiam/")).isEqualTo(new ImapCommand.Create("A003", mbox("owatagusiam/"),
                    List.of()));
            assertThat(parsed("t1 CREATE \"Important Messages\" (USE (\\important \\Flagged))")).isEqualTo(
                    new ImapCommand.Create("t1", mbox("Important Messages"), List.of("\\important", "\\Flagged")));
            assertThat(parsed("t2 CREATE MySpecialArchive (USE (\\archive))")).isEqualTo(
                    new ImapCommand.Create("t2", mbox("MySpecialArchive"), List.of("\\Archive")));
            assertThat(refusal("a CREATE x (USE (Drafts))")).isEqualTo(Refusal.SYNTAX);
            assertThat(refusal("a CREATE x (FOO (\\Drafts))")).isEqualTo(Refusal.SYNTAX);
            assertThat(parsed("A683 RENAME blurdybloop sarasoop")).isEqualTo(new ImapCommand.Rename("A683",
                    mbox("blurdybloop"), mbox("sarasoop")));
            assertThat(parsed("A684 DELETE \"Foo Bar\"")).isEqualTo(new ImapCommand.Delete("A684", mbox("Foo Bar")));
            assertThat(parsed("A002 SUBSCRIBE #news.comp.mail.mime")).isEqualTo(new ImapCommand.Subscribe("A002",
                    mbox("#news.comp.mail.mime")));
            assertThat(parsed("A003 UNSUBSCRIBE #news.comp.mail.mime")).isEqualTo(new ImapCommand.Unsubscribe("A003",
                    mbox("#news.comp.mail.mime")));
            assertThat(refusal("a RENAME onlyone")).isEqualTo(Refusal.SYNTAX);
        }

        @Test
        void listAsInRfc3501() {
            assertThat(parsed("A101 LIST \"\" \"\"")).isEqualTo(list("A101", Set.of(), "", List.of(""), Set.of(), false));
            assertThat(parsed("A202 LIST ~/Mail/ %")).isEqualTo(list("A202", Set.of(), "~/Mail/", List.of("%"), Set.of(),
                    false));
            assertThat(parsed("A102 LIST #news.comp.mail.misc \"\"")).isInstanceOf(ImapCommand.ListMailboxes.class);
            assertThat(parsed("a LIST \"\" foo]*")).isEqualTo(list("a", Set.of(), "", List.of("foo]*"), Set.of(), false));
            assertThat(parsed("a list \"\" \"&ZeVnLIqe-/%\"")).isEqualTo(list("a", Set.of(), "",
                    List.of("\u65e5\u672c\u8a9e/%"), Set.of(), false));
        }

        @Test
        void listExtendedAsThunderbirdAndAppleMailSendIt() {
            assertThat(parsed("A01 LIST (SUBSCRIBED) \"\" \"*\"")).isEqualTo(list("A01", Set.of(ListSelection.SUBSCRIBED),
                    "", List.of("*"), Set.of(), true));
            assertThat(parsed("A02 LIST () \"\" (INBOX Drafts) RETURN (CHILDREN)")).isEqualTo(list("A02", Set.of(), "",
                    List.of("INBOX", "Drafts"), Set.of(ListReturn.CHILDREN), true));
            assertThat(parsed("4 list (subscribed) \"\" \"*\" return (special-use)")).isEqualTo(list("4",
                    Set.of(ListSelection.SUBSCRIBED), "", List.of("*"), Set.of(ListReturn.SPECIAL_USE), true));
            assertThat(parsed("t3 LIST (SPECIAL-USE) \"\" \"*\"")).isEqualTo(list("t3", Set.of(ListSelection.SPECIAL_USE),
                    "", List.of("*"), Set.of(), true));
            ImapCommand.ListMailboxes status = (ImapCommand.ListMailboxes) parsed(
                    "A02 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" % RETURN (STATUS (MESSAGES UNSEEN HIGHESTMODSEQ))");
            assertThat(status.selection()).containsExactlyInAnyOrder(ListSelection.SUBSCRIBED, ListSelection.RECURSIVEMATCH);
            assertThat(status.returns()).containsExactly(ListReturn.STATUS);
            assertThat(status.statusItems()).containsExactly(StatusItem.MESSAGES, StatusItem.UNSEEN, StatusItem.HIGHESTMODSEQ);
            assertThat(parsed("a LIST \"\" * RETURN ()")).isEqualTo(list("a", Set.of(), "", List.of("*"), Set.of(), true));
        }

        @ParameterizedTest
        @ValueSource(strings = {"a LIST (RECURSIVEMATCH) \"\" *", "a LIST (REMOTE RECURSIVEMATCH) \"\" *",
            "a LIST (FOO) \"\" *", "a LIST \"\" * RETURN (FOO)", "a LIST \"\" * RETURN CHILDREN", "a LIST \"\" ()",
            "a LIST \"\"", "a LIST \"\" * RETURN (STATUS (FOO))", "a LIST \"\" * RETURN (STATUS ())",
            "a LIST \"\" * RETURN (STATUS (MESSAGES) STATUS (UNSEEN))", "a LIST \"\" a b"})
        void malformedListCommands(String line) {
            assertThat(refusal(line)).isEqualTo(Refusal.SYNTAX);
        }

        @Test
        void lsubStatusNamespaceQuota() {
            assertThat(parsed("A002 LSUB \"#news.\" \"comp.mail.*\"")).isEqualTo(new ImapCommand.Lsub("A002", "#news.",
                    "comp.mail.*"));
            assertThat(parsed("A042 STATUS blurdybloop (UIDNEXT MESSAGES)")).isEqualTo(new ImapCommand.Status("A042",
                    mbox("blurdybloop"), List.of(StatusItem.UIDNEXT, StatusItem.MESSAGES)));
            assertThat(parsed("a STATUS INBOX (messages recent uidnext uidvalidity unseen deleted size highestmodseq "
                    + "appendlimit)")).isEqualTo(new ImapCommand.Status("a", MailboxName.INBOX, List.of(StatusItem.values())));
            assertThat(refusal("a STATUS INBOX (FOO)")).isEqualTo(Refusal.SYNTAX);
            assertThat(refusal("a STATUS INBOX ()")).isEqualTo(Refusal.SYNTAX);
            assertThat(refusal("a STATUS INBOX MESSAGES")).isEqualTo(Refusal.SYNTAX);
            assertThat(parsed("G1 GETQUOTAROOT INBOX")).isEqualTo(new ImapCommand.GetQuotaRoot("G1", MailboxName.INBOX));
            assertThat(parsed("G2 GETQUOTA \"\"")).isEqualTo(new ImapCommand.GetQuota("G2", ""));
            assertThat(parsed("G3 GETQUOTA \"#user/alice\"")).isEqualTo(new ImapCommand.GetQuota("G3", "#user/alice"));
        }

        private ImapCommand.ListMailboxes list(String tag, Set<ListSelection> selection, String reference,
                List<String> patterns, Set<ListReturn> returns, boolean extended) {
            return new ImapCommand.ListMailboxes(tag, selection, reference, patterns, returns, List.of(), extended);
        }
    }

    @Nested
    class Append {
        @Test
        void appendAsInRfc3501() {
            String message = "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\nFrom: Fred Foobar <foobar@Blurdybloop.example>\r\n"
                    + "Subject: afternoon meeting\r\n\r\nHello Joe, do you think we can meet at 3:30 tomorrow?\r\n";
            ImapCommand c = parsed("A003 APPEND saved-messages (\\Seen) {" + message.length() + "}\r\n" + message);
            assertThat(c).isEqualTo(new ImapCommand.Append("A003", mbox("saved-messages"),
                    List.of(new AppendMessage(List.of("\\Seen"), Optional.empty(), message.length(), false))));
        }

        @Test
        void appendWithDateAndSeveralMessages() {
            ImapCommand c = parsed("a APPEND INBOX (\\seen $Forwarded) \"05-jul-1994 02:47:00 -0700\" {3}\r\nabc"
                    + " {2+}\r\nde (\\Draft) ~{1}\r\n\0");
            OffsetDateTime date = OffsetDateTime.of(1994, 7, 5, 2, 47, 0, 0, ZoneOffset.ofHours(-7));
            assertThat(c).isEqualTo(new ImapCommand.Append("a", MailboxName.INBOX, List.of(
                    new AppendMessage(List.of("\\Seen", "$Forwarded"), Optional.of(date), 3, false),
                    new AppendMessage(List.of(), Optional.empty(), 2, false),
                    new AppendMessage(List.of("\\Draft"), Optional.empty(), 1, true))));
            assertThat(parsed("a APPEND {5}\r\nInbox () {1}\r\nx")).isEqualTo(new ImapCommand.Append("a",
                    MailboxName.INBOX, List.of(new AppendMessage(List.of(), Optional.empty(), 1, false))));
        }

        @ParameterizedTest
        @ValueSource(strings = {"a APPEND INBOX", "a APPEND INBOX (\\Seen)", "a APPEND INBOX {3}\r\nab",
            "a APPEND INBOX (\\Recent) {1}\r\nx", "a APPEND INBOX (\\*) {1}\r\nx", "a APPEND INBOX \"junk\" {1}\r\nx",
            "a APPEND INBOX {1}\r\nx x", "a APPEND INBOX {1}\r\nx ", "a APPEND INBOX  {1}\r\nx",
            "a APPEND INBOX \"05-jul-1994 02:47:00 -0700\" (\\Seen) {1}\r\nx"})
        void malformedAppends(String line) {
            assertThat(refusal(line)).isIn(Refusal.SYNTAX, Refusal.INVALID_DATE);
        }

        @Test
        void messagesOverTheAppendLimitAreRefusedWithTooBig() {
            ImapCommandParser small = new ImapCommandParser(limits.withMaxAppendBytes(2));
            byte[] b = "a APPEND INBOX {3}\r\nabc".getBytes(StandardCharsets.US_ASCII);
            ParseResult r = small.parse(b, b.length, false);
            assertThat(r).isEqualTo(new ParseResult.Rejected(Optional.of("a"), Refusal.MESSAGE_TOO_LARGE));
            assertThat(((ParseResult.Rejected) r).response()).isEqualTo(new ImapResponse.Tagged("a",
                    ImapResponse.Status.NO, Optional.of(ResponseCode.TOOBIG), "Message too large"));
        }
    }

    @Nested
    class Search {
        @Test
        void rfc3501Examples() {
            assertThat(parsed("A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"")).isEqualTo(search("A282", false,
                    Optional.empty(), new SearchKey.And(List.of(new SearchKey.Flag("\\Flagged"),
                            new SearchKey.Date(DateField.INTERNAL, DateComparison.SINCE, LocalDate.of(1994, 2, 1)),
                            new SearchKey.Not(new SearchKey.Text(TextField.FROM, "Smith")))), Optional.empty()));
            assertThat(parsed("A283 SEARCH TEXT \"string not in mailbox\"")).isEqualTo(search("A283", false,
                    Optional.empty(), new SearchKey.Text(TextField.TEXT, "string not in mailbox"), Optional.empty()));
            String utf8 = "\u00e9t\u00e9 \u65e5";
            int n = utf8.getBytes(StandardCharsets.UTF_8).length;
            assertThat(parsed("A284 SEARCH CHARSET UTF-8 TEXT {" + n + "}\r\n" + utf8)).isEqualTo(search("A284", false,
                    Optional.of("UTF-8"), new SearchKey.Text(TextField.TEXT, utf8), Optional.empty()));
        }

        @Test
        void unsupportedCharsetsGetNoBadCharset() {
            ParseResult.Rejected r = rejected("A285 SEARCH CHARSET ISO-8859-1 TEXT x");
            assertThat(r.refusal()).isEqualTo(Refusal.BAD_CHARSET);
            assertThat(r.response().toString()).contains("NO").contains("BADCHARSET (UTF-8 US-ASCII)");
            assertThat(((ImapCommand.Search) parsed("a SEARCH CHARSET us-ascii ALL")).charset()).contains("US-ASCII");
        }

        @Test
        void everyKey() {
            assertThat(key("ALL")).isEqualTo(new SearchKey.All());
            assertThat(key("ANSWERED")).isEqualTo(new SearchKey.Flag("\\Answered"));
            assertThat(key("deleted")).isEqualTo(new SearchKey.Flag("\\Deleted"));
            assertThat(key("DRAFT")).isEqualTo(new SearchKey.Flag("\\Draft"));
            assertThat(key("FLAGGED")).isEqualTo(new SearchKey.Flag("\\Flagged"));
            assertThat(key("SEEN")).isEqualTo(new SearchKey.Flag("\\Seen"));
            assertThat(key("RECENT")).isEqualTo(new SearchKey.Flag("\\Recent"));
            assertThat(key("UNANSWERED")).isEqualTo(new SearchKey.Not(new SearchKey.Flag("\\Answered")));
            assertThat(key("UNDELETED")).isEqualTo(new SearchKey.Not(new SearchKey.Flag("\\Deleted")));
            assertThat(key("UNDRAFT")).isEqualTo(new SearchKey.Not(new SearchKey.Flag("\\Draft")));
            assertThat(key("UNFLAGGED")).isEqualTo(new SearchKey.Not(new SearchKey.Flag("\\Flagged")));
            assertThat(key("UNSEEN")).isEqualTo(new SearchKey.Not(new SearchKey.Flag("\\Seen")));
            assertThat(key("NEW")).isEqualTo(new SearchKey.And(List.of(new SearchKey.Flag("\\Recent"),
                    new SearchKey.Not(new SearchKey.Flag("\\Seen")))));
            assertThat(key("OLD")).isEqualTo(new SearchKey.Not(new SearchKey.Flag("\\Recent")));
            assertThat(key("KEYWORD $Forwarded")).isEqualTo(new SearchKey.Flag("$Forwarded"));
            assertThat(key("UNKEYWORD $Junk")).isEqualTo(new SearchKey.Not(new SearchKey.Flag("$Junk")));
            assertThat(key("BCC a")).isEqualTo(new SearchKey.Text(TextField.BCC, "a"));
            assertThat(key("BODY \"b c\"")).isEqualTo(new SearchKey.Text(TextField.BODY, "b c"));
            assertThat(key("CC c")).isEqualTo(new SearchKey.Text(TextField.CC, "c"));
            assertThat(key("FROM f")).isEqualTo(new SearchKey.Text(TextField.FROM, "f"));
            assertThat(key("SUBJECT s")).isEqualTo(new SearchKey.Text(TextField.SUBJECT, "s"));
            assertThat(key("TO t")).isEqualTo(new SearchKey.Text(TextField.TO, "t"));
            assertThat(key("BEFORE 1-Jan-2020")).isEqualTo(date(DateField.INTERNAL, DateComparison.BEFORE));
            assertThat(key("ON \"1-Jan-2020\"")).isEqualTo(date(DateField.INTERNAL, DateComparison.ON));
            assertThat(key("SINCE 01-jan-2020")).isEqualTo(date(DateField.INTERNAL, DateComparison.SINCE));
            assertThat(key("SENTBEFORE 1-Jan-2020")).isEqualTo(date(DateField.SENT, DateComparison.BEFORE));
            assertThat(key("SENTON 1-Jan-2020")).isEqualTo(date(DateField.SENT, DateComparison.ON));
            assertThat(key("SENTSINCE 1-Jan-2020")).isEqualTo(date(DateField.SENT, DateComparison.SINCE));
            assertThat(key("HEADER Message-ID <x@y.example>")).isEqualTo(new SearchKey.Header("Message-ID", "<x@y.example>"));
            assertThat(key("HEADER X-Spam \"\"")).isEqualTo(new SearchKey.Header("X-Spam", ""));
            assertThat(key("LARGER 10000")).isEqualTo(new SearchKey.Size(true, 10000));
            assertThat(key("SMALLER 5000000")).isEqualTo(new SearchKey.Size(false, 5000000));
            assertThat(key("UID 1:100,200")).isEqualTo(new SearchKey.Uids(seq(1, 100, 200, 200)));
            assertThat(key("2:4,*")).isEqualTo(new SearchKey.SequenceNumbers(seq(2, 4, STAR, STAR)));
            assertThat(key("$")).isEqualTo(new SearchKey.SequenceNumbers(SequenceSet.SAVED_RESULT));
            assertThat(key("UID $")).isEqualTo(new SearchKey.Uids(SequenceSet.SAVED_RESULT));
            assertThat(key("MODSEQ 620162338")).isEqualTo(new SearchKey.ModSeq(620162338L, Optional.empty(), Optional.empty()));
            assertThat(key("MODSEQ \"/flags/\\\\draft\" all 620162338")).isEqualTo(new SearchKey.ModSeq(620162338L,
                    Optional.of("/flags/\\draft"), Optional.of("all")));
            assertThat(key("OLDER 3600")).isEqualTo(new SearchKey.Within(true, 3600));
            assertThat(key("YOUNGER 60")).isEqualTo(new SearchKey.Within(false, 60));
        }

        @Test
        void groupsOrAndNotNest() {
            assertThat(key("OR (FROM alice SUBJECT x) NOT SEEN")).isEqualTo(new SearchKey.Or(
                    new SearchKey.And(List.of(new SearchKey.Text(TextField.FROM, "alice"),
                            new SearchKey.Text(TextField.SUBJECT, "x"))),
                    new SearchKey.Not(new SearchKey.Flag("\\Seen"))));
            // Thunderbird's quick filter: left-nested ORs.
            assertThat(key("OR OR OR FROM x TO x CC x SUBJECT x")).isEqualTo(new SearchKey.Or(new SearchKey.Or(
                    new SearchKey.Or(new SearchKey.Text(TextField.FROM, "x"), new SearchKey.Text(TextField.TO, "x")),
                    new SearchKey.Text(TextField.CC, "x")), new SearchKey.Text(TextField.SUBJECT, "x")));
            assertThat(key("(ALL)")).isEqualTo(new SearchKey.All());
        }

        @Test
        void uidSearchAndEsearchAsClientsSendThem() {
            assertThat(parsed("a UID SEARCH 1:* NOT DELETED")).isEqualTo(search("a", true, Optional.empty(),
                    new SearchKey.And(List.of(new SearchKey.SequenceNumbers(seq(1, STAR)),
                            new SearchKey.Not(new SearchKey.Flag("\\Deleted")))), Optional.empty()));
            assertThat(parsed("a UID SEARCH UNDELETED UNSEEN")).isInstanceOf(ImapCommand.Search.class);
            assertThat(parsed("A282 SEARCH RETURN (MIN COUNT) FLAGGED")).isEqualTo(search("A282", false, Optional.empty(),
                    new SearchKey.Flag("\\Flagged"), Optional.of(Set.of(SearchReturn.MIN, SearchReturn.COUNT))));
            assertThat(parsed("a UID SEARCH RETURN () CHARSET UTF-8 ALL")).isEqualTo(search("a", true,
                    Optional.of("UTF-8"), new SearchKey.All(), Optional.of(Set.of())));
            assertThat(((ImapCommand.Search) parsed("a SEARCH RETURN (SAVE ALL MAX) UNSEEN")).returnOptions())
                    .contains(Set.of(SearchReturn.SAVE, SearchReturn.ALL, SearchReturn.MAX));
        }

        @ParameterizedTest
        @ValueSource(strings = {"a SEARCH", "a SEARCH FOO", "a SEARCH FROM", "a SEARCH (FROM a", "a SEARCH FROM a)",
            "a SEARCH OR FROM a", "a SEARCH NOT", "a SEARCH LARGER x", "a SEARCH KEYWORD \\Seen", "a SEARCH ()",
            "a SEARCH RETURN (FOO) ALL", "a SEARCH RETURN MIN ALL", "a SEARCH CHARSET", "a SEARCH ALL  ALL",
            "a SEARCH HEADER \"Sub:ject\" x", "a SEARCH MODSEQ \"/flags/x\" mine 5", "a SEARCH 0", "a SEARCH 1:0",
            "a SEARCH 1,", "a SEARCH $,1", "a SEARCH OLDER 0", "a SEARCH SINCE 31-Feb-2020", "a SEARCH 4294967296"})
        void malformedSearches(String line) {
            assertThat(refusal(line)).isIn(Refusal.SYNTAX, Refusal.INVALID_SEQUENCE_SET, Refusal.INVALID_DATE);
        }

        @Test
        void searchStringsMayBeUtf8EvenQuoted() {
            assertThat(key("SUBJECT \"r\u00e9union\"")).isEqualTo(new SearchKey.Text(TextField.SUBJECT, "r\u00e9union"));
            byte[] bad = "a SEARCH SUBJECT \"\u00e9\"".getBytes(StandardCharsets.ISO_8859_1);
            assertThat(parser.parse(bad, bad.length, false)).isEqualTo(new ParseResult.Rejected(Optional.of("a"),
                    Refusal.INVALID_UTF8));
        }

        @Test
        void nestingIsBounded() {
            int deep = limits.maxNestingDepth() + 1;
            assertThat(refusal("a SEARCH " + "(".repeat(deep) + "ALL" + ")".repeat(deep))).isEqualTo(Refusal.NESTING_TOO_DEEP);
            assertThat(refusal("a SEARCH " + "NOT ".repeat(deep) + "ALL")).isEqualTo(Refusal.NESTING_TOO_DEEP);
            assertThat(refusal("a SEARCH " + "OR ".repeat(deep) + "ALL ALL".repeat(deep) + " ALL"))
                    .isEqualTo(Refusal.NESTING_TOO_DEEP);
            int ok = limits.maxNestingDepth();
            assertThat(parsed("a SEARCH " + "(".repeat(ok) + "ALL" + ")".repeat(ok))).isInstanceOf(ImapCommand.Search.class);
            // A huge nesting is refused as fast as a small one: no stack overflow.
            assertThat(refusal("a SEARCH " + "(".repeat(100_000))).isEqualTo(Refusal.NESTING_TOO_DEEP);
        }

        private SearchKey key(String keys) {
            return ((ImapCommand.Search) parsed("a SEARCH " + keys)).key();
        }

        private SearchKey.Date date(DateField field, DateComparison comparison) {
            return new SearchKey.Date(field, comparison, LocalDate.of(2020, 1, 1));
        }

        private ImapCommand.Search search(String tag, boolean uid, Optional<String> charset, SearchKey key,
                Optional<Set<SearchReturn>> returns) {
            return new ImapCommand.Search(tag, uid, charset, key, returns);
        }
    }

    @Nested
    class Sort {
        @Test
        void rfc5256Examples() {
            assertThat(parsed("A282 SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994")).isEqualTo(new ImapCommand.Sort("A282", false,
                    List.of(new ImapCommand.SortCriterion(SortKey.SUBJECT, false)), "UTF-8",
                    new SearchKey.Date(DateField.INTERNAL, DateComparison.SINCE, LocalDate.of(1994, 2, 1)), Optional.empty()));
            assertThat(((ImapCommand.Sort) parsed("A285 SORT (SUBJECT REVERSE DATE) UTF-8 ALL")).criteria()).containsExactly(
                    new ImapCommand.SortCriterion(SortKey.SUBJECT, false), new ImapCommand.SortCriterion(SortKey.DATE, true));
            assertThat(parsed("A284 SORT (SUBJECT) US-ASCII TEXT \"not in mailbox\"")).isInstanceOf(ImapCommand.Sort.class);
            ImapCommand.Sort uid = (ImapCommand.Sort) parsed("a UID SORT (REVERSE ARRIVAL cc from size to displayfrom) utf-8 ALL");
            assertThat(uid.uid()).isTrue();
            assertThat(uid.criteria()).extracting(ImapCommand.SortCriterion::key).containsExactly(SortKey.ARRIVAL, SortKey.CC,
                    SortKey.FROM, SortKey.SIZE, SortKey.TO, SortKey.DISPLAYFROM);
            assertThat(((ImapCommand.Sort) parsed("a SORT RETURN (MIN COUNT) (DATE) UTF-8 ALL")).returnOptions())
                    .contains(Set.of(SearchReturn.MIN, SearchReturn.COUNT));
        }

        @ParameterizedTest
        @ValueSource(strings = {"a SORT (SUBJECT) ALL", "a SORT () UTF-8 ALL", "a SORT (REVERSE) UTF-8 ALL",
            "a SORT (THREAD) UTF-8 ALL", "a SORT SUBJECT UTF-8 ALL", "a SORT (SUBJECT) UTF-8"})
        void malformedSorts(String line) {
            // "(SUBJECT) ALL": ALL stands where the charset goes, so it is refused as a charset.
            assertThat(refusal(line)).isIn(Refusal.SYNTAX, Refusal.BAD_CHARSET);
        }

        @Test
        void sortCharsetsAreCheckedToo() {
            assertThat(refusal("a SORT (DATE) KOI8-R ALL")).isEqualTo(Refusal.BAD_CHARSET);
        }
    }

    @Nested
    class Fetch {
        @Test
        void macrosExpand() {
            assertThat(fetch("a FETCH 1 FAST").attributes()).containsExactly(Simple.FLAGS, Simple.INTERNALDATE,
                    Simple.RFC822_SIZE);
            assertThat(fetch("a FETCH 1 ALL").attributes()).containsExactly(Simple.FLAGS, Simple.INTERNALDATE,
                    Simple.RFC822_SIZE, Simple.ENVELOPE);
            assertThat(fetch("a FETCH 1 full").attributes()).containsExactly(Simple.FLAGS, Simple.INTERNALDATE,
                    Simple.RFC822_SIZE, Simple.ENVELOPE, Simple.BODY);
        }

        @Test
        void rfc3501Example() {
            assertThat(parsed("A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])")).isEqualTo(new ImapCommand.Fetch(
                    "A654", false, seq(2, 4), List.of(Simple.FLAGS, new BodySection(new Section(List.of(),
                            SectionText.HEADER_FIELDS, List.of("DATE", "FROM")), false, Optional.empty())),
                    OptionalLong.empty(), false));
        }

        @Test
        void thunderbirdHeaderFetch() {
            ImapCommand.Fetch f = fetch("9 UID FETCH 1:* (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc "
                    + "Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To)])");
            assertThat(f.uid()).isTrue();
            assertThat(f.set()).isEqualTo(seq(1, STAR));
            assertThat(f.attributes()).hasSize(4);
            BodySection peek = (BodySection) f.attributes().get(3);
            assertThat(peek.peek()).isTrue();
            assertThat(peek.section().headerFields()).containsExactly("From", "To", "Cc", "Bcc", "Subject", "Date",
                    "Message-ID", "Priority", "X-Priority", "References", "Newsgroups", "In-Reply-To", "Content-Type",
                    "Reply-To");
            assertThat(peek.label()).startsWith("BODY[HEADER.FIELDS (From To Cc");
        }

        @Test
        void muttMbsyncAndAppleMailFetches() {
            assertThat(fetch("a0005 UID FETCH 1:5 (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (DATE FROM "
                    + "SENDER SUBJECT TO CC MESSAGE-ID REFERENCES CONTENT-TYPE CONTENT-DESCRIPTION IN-REPLY-TO REPLY-TO "
                    + "LINES LIST-POST X-LABEL X-ORIGINAL-TO)])").attributes()).hasSize(5);
            assertThat(fetch("7 UID FETCH 1:4294967295 (UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (X-TUID)])")
                    .set()).isEqualTo(seq(1, 4294967295L));
            assertThat(fetch("8 UID FETCH 5 (BODY.PEEK[])").attributes()).containsExactly(new BodySection(Section.WHOLE,
                    true, Optional.empty()));
            ImapCommand.Fetch changed = fetch("10 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)");
            assertThat(changed.changedSince()).hasValue(12345);
            assertThat(changed.vanished()).isFalse();
            ImapCommand.Fetch vanished = fetch("s100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)");
            assertThat(vanished.vanished()).isTrue();
        }

        @Test
        void sectionsPartialsAndBinary() {
            assertThat(att("BODY[1.2.MIME]")).isEqualTo(new BodySection(new Section(List.of(1, 2), SectionText.MIME,
                    List.of()), false, Optional.empty()));
            assertThat(att("BODY[2.HEADER]")).isEqualTo(new BodySection(new Section(List.of(2), SectionText.HEADER,
                    List.of()), false, Optional.empty()));
            assertThat(att("body[3]")).isEqualTo(new BodySection(new Section(List.of(3), SectionText.NONE, List.of()),
                    false, Optional.empty()));
            assertThat(att("BODY[TEXT]<0.2048>")).isEqualTo(new BodySection(new Section(List.of(), SectionText.TEXT,
                    List.of()), false, Optional.of(new Partial(0, 2048))));
            assertThat(att("BODY.PEEK[4.1.HEADER.FIELDS.NOT (Received \"X-Odd\")]")).isEqualTo(new BodySection(
                    new Section(List.of(4, 1), SectionText.HEADER_FIELDS_NOT, List.of("Received", "X-Odd")), true,
                    Optional.empty()));
            assertThat(att("BINARY.PEEK[1]<0.100>")).isEqualTo(new FetchAttribute.Binary(List.of(1), true,
                    Optional.of(new Partial(0, 100))));
            assertThat(att("BINARY[]")).isEqualTo(new FetchAttribute.Binary(List.of(), false, Optional.empty()));
            assertThat(att("BINARY.SIZE[2.3]")).isEqualTo(new FetchAttribute.BinarySize(List.of(2, 3)));
            assertThat(fetch("a FETCH 1 (ENVELOPE BODYSTRUCTURE BODY UID MODSEQ RFC822 RFC822.HEADER RFC822.TEXT "
                    + "INTERNALDATE)").attributes()).containsExactly(Simple.ENVELOPE, Simple.BODYSTRUCTURE, Simple.BODY,
                    Simple.UID, Simple.MODSEQ, Simple.RFC822, Simple.RFC822_HEADER, Simple.RFC822_TEXT,
                    Simple.INTERNALDATE);
        }

        @Test
        void sequenceSetsInEveryForm() {
            assertThat(fetch("a FETCH * FLAGS").set()).isEqualTo(seq(STAR, STAR));
            assertThat(fetch("a FETCH 5:2 FLAGS").set()).isEqualTo(seq(5, 2));
            assertThat(fetch("a FETCH *:4,7,9:* FLAGS").set()).isEqualTo(seq(STAR, 4, 7, 7, 9, STAR));
            assertThat(fetch("a UID FETCH $ (FLAGS)").set()).isEqualTo(SequenceSet.SAVED_RESULT);
            assertThat(fetch("a FETCH 4294967295 FLAGS").set()).isEqualTo(seq(4294967295L, 4294967295L));
        }

        @ParameterizedTest
        @ValueSource(strings = {"a FETCH 1 (ALL)", "a FETCH 1 ()", "a FETCH 1 BODY[MIME]", "a FETCH 1 BODY.PEEK",
            "a FETCH 1 (FLAGS) (VANISHED)", "a FETCH 1 (FLAGS) (CHANGEDSINCE 1 VANISHED)", "a FETCH 1 BODY[]<0.0>",
            "a FETCH 1 BODY[HEADER.FIELDS ()]", "a FETCH 1 BODY[HEADER.FIELDS (a:b)]", "a FETCH 1 BODY[HEADER.FIELDS]",
            "a FETCH 1 BODY[0]", "a FETCH 1 BODY[1.]", "a FETCH 1 BODY[1.FOO]", "a FETCH 1 BODY[HEADER", "a FETCH 1 FOO",
            "a FETCH 1 BINARY[TEXT]", "a FETCH 1 BINARY", "a FETCH 1 BINARY.PEEK", "a FETCH 1 BINARY[1.MIME]",
            "a FETCH 1 BINARY[0]", "a FETCH 1 BINARY[1", "a FETCH 1 BINARY.SIZE[1]<0.5>", "a FETCH 1 BINARY[1]<0.0>",
            "a FETCH 1 BINARY.SIZE", "a FETCH 1 FLAGS[]", "a FETCH 1 (FLAGS) (CHANGEDSINCE x)",
            "a FETCH 1 (FLAGS) (FOO)", "a FETCH 1 (FLAGS) ()", "a FETCH 1 (FLAGS FLAGS", "a FETCH 1 BODY[]<1>",
            "a FETCH 1", "a FETCH FLAGS", "a FETCH 1 ALL FAST", "a FETCH 1 (FLAGS  UID)", "a FETCH 1 BODY[TEXT]x"})
        void malformedFetches(String line) {
            assertThat(refusal(line)).isIn(Refusal.SYNTAX, Refusal.INVALID_SEQUENCE_SET);
        }

        @ParameterizedTest
        @ValueSource(strings = {"a FETCH 0 FLAGS", "a FETCH 4294967296 FLAGS", "a FETCH 1:2, FLAGS", "a FETCH 1:: FLAGS",
            "a FETCH ,1 FLAGS", "a FETCH 1:0 FLAGS", "a FETCH 99999999999999999999 FLAGS", "a FETCH $:1 FLAGS",
            "a FETCH 1x FLAGS"})
        void malformedSequenceSets(String line) {
            assertThat(refusal(line)).isEqualTo(Refusal.INVALID_SEQUENCE_SET);
        }

        @Test
        void hugeSequenceSetsAreBoundedByTokens() {
            StringBuilder set = new StringBuilder("1");
            for (int i = 0; i < limits.maxTokens(); i++) {
                set.append(',').append(i % 1000 + 1);
            }
            assertThat(refusal("a FETCH " + set + " FLAGS")).isEqualTo(Refusal.TOO_MANY_TOKENS);
            assertThat(rejected("a FETCH " + set + " FLAGS").response().toString()).contains("LIMIT");
        }

        private ImapCommand.Fetch fetch(String line) {
            return (ImapCommand.Fetch) parsed(line);
        }

        private FetchAttribute att(String attribute) {
            List<FetchAttribute> all = fetch("a FETCH 1 " + attribute).attributes();
            assertThat(all).hasSize(1);
            return all.getFirst();
        }
    }

    @Nested
    class StoreCopyMoveExpunge {
        @Test
        void store() {
            assertThat(parsed("A003 STORE 2:4 +FLAGS (\\Deleted)")).isEqualTo(new ImapCommand.Store("A003", false,
                    seq(2, 4), StoreMode.ADD, false, List.of("\\Deleted"), OptionalLong.empty()));
            assertThat(parsed("a UID STORE 7 -FLAGS.SILENT (\\seen)")).isEqualTo(new ImapCommand.Store("a", true,
                    seq(7, 7), StoreMode.REMOVE, true, List.of("\\Seen"), OptionalLong.empty()));
            assertThat(parsed("a STORE 1 FLAGS (\\Seen $Forwarded NonJunk)")).isEqualTo(new ImapCommand.Store("a",
                    false, seq(1, 1), StoreMode.REPLACE, false, List.of("\\Seen", "$Forwarded", "NonJunk"),
                    OptionalLong.empty()));
            assertThat(parsed("a STORE 1 +FLAGS \\Deleted \\Answered")).isEqualTo(new ImapCommand.Store("a", false,
                    seq(1, 1), StoreMode.ADD, false, List.of("\\Deleted", "\\Answered"), OptionalLong.empty()));
            assertThat(parsed("a UID STORE 1:* FLAGS ()")).isEqualTo(new ImapCommand.Store("a", true, seq(1, STAR),
                    StoreMode.REPLACE, false, List.of(), OptionalLong.empty()));
            assertThat(parsed("d105 STORE 7,5,9 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted)")).isEqualTo(
                    new ImapCommand.Store("d105", false, seq(7, 7, 5, 5, 9, 9), StoreMode.ADD, true, List.of("\\Deleted"),
                            OptionalLong.of(320162338L)));
            assertThat(parsed("a STORE 1 +FLAGS (\\XCustom)")).isInstanceOf(ImapCommand.Store.class);
        }

        @ParameterizedTest
        @ValueSource(strings = {"a STORE 1 +FLAGS (\\Recent)", "a STORE 1 +FLAGS (\\*)", "a STORE 1 FLAG (\\Seen)",
            "a STORE 1 +FLAGS", "a STORE 1 *FLAGS (x)", "a STORE 1 +FLAGS (a b", "a STORE 1 (UNCHANGEDSINCE) FLAGS ()",
            "a STORE 1 (FOO 1) FLAGS ()", "a STORE +FLAGS (x)", "a STORE 1 +FLAGS ((x))", "a STORE 1 +FLAGS (\\)",
            "a STORE 1 +FLAGS (\"x\")"})
        void malformedStores(String line) {
            assertThat(refusal(line)).isIn(Refusal.SYNTAX, Refusal.INVALID_SEQUENCE_SET);
        }

        @Test
        void copyMoveAndUidExpunge() {
            assertThat(parsed("A003 COPY 2:4 MEETING")).isEqualTo(new ImapCommand.Copy("A003", false, seq(2, 4),
                    mbox("MEETING")));
            assertThat(parsed("a UID COPY 1 \"Entw&APw-rfe\"")).isEqualTo(new ImapCommand.Copy("a", true, seq(1, 1),
                    mbox("Entw\u00fcrfe")));
            assertThat(parsed("a UID MOVE 42:69 foo")).isEqualTo(new ImapCommand.Move("a", true, seq(42, 69), mbox("foo")));
            assertThat(parsed("a MOVE 1 Trash")).isEqualTo(new ImapCommand.Move("a", false, seq(1, 1), mbox("Trash")));
            assertThat(parsed("A202 UID EXPUNGE 3000:3002")).isEqualTo(new ImapCommand.Expunge("A202",
                    Optional.of(seq(3000, 3002))));
            assertThat(refusal("a UID EXPUNGE")).isEqualTo(Refusal.SYNTAX);
            assertThat(refusal("a COPY 1")).isEqualTo(Refusal.SYNTAX);
            assertThat(refusal("a MOVE 1 a b")).isEqualTo(Refusal.SYNTAX);
        }
    }

    /** What IMAP4rev2 (RFC 9051) and SEARCHRES (RFC 5182) add to the commands a session sees. */
    @Nested
    class Imap4rev2AndSearchres {
        @Test
        void enableNamesTheRevisionInAnyCase() {
            assertThat(parsed("a ENABLE imap4rev2")).isEqualTo(new ImapCommand.Enable("a", List.of("IMAP4REV2")));
        }

        @Test
        void theSavedResultIsASequenceSetInEveryCommandThatTakesOne() {
            SequenceSet saved = SequenceSet.SAVED_RESULT;
            assertThat(parsed("a FETCH $ (FLAGS UID)")).isInstanceOfSatisfying(ImapCommand.Fetch.class,
                    f -> assertThat(f.set()).isEqualTo(saved));
            assertThat(parsed("a UID STORE $ +FLAGS.SILENT (\\Seen)")).isEqualTo(new ImapCommand.Store("a", true,
                    saved, StoreMode.ADD, true, List.of("\\Seen"), OptionalLong.empty()));
            assertThat(parsed("a STORE $ -FLAGS (x)")).isEqualTo(new ImapCommand.Store("a", false, saved,
                    StoreMode.REMOVE, false, List.of("x"), OptionalLong.empty()));
            assertThat(parsed("a COPY $ Archive")).isEqualTo(new ImapCommand.Copy("a", false, saved, mbox("Archive")));
            assertThat(parsed("a UID COPY $ Archive")).isEqualTo(new ImapCommand.Copy("a", true, saved, mbox("Archive")));
            assertThat(parsed("a MOVE $ Trash")).isEqualTo(new ImapCommand.Move("a", false, saved, mbox("Trash")));
            assertThat(parsed("a UID MOVE $ Trash")).isEqualTo(new ImapCommand.Move("a", true, saved, mbox("Trash")));
            assertThat(parsed("a UID EXPUNGE $")).isEqualTo(new ImapCommand.Expunge("a", Optional.of(saved)));
            assertThat(((ImapCommand.Search) parsed("a UID SEARCH UID $ NOT $")).key()).isEqualTo(new SearchKey.And(
                    List.of(new SearchKey.Uids(saved), new SearchKey.Not(new SearchKey.SequenceNumbers(saved)))));
        }

        @Test
        void saveCombinesWithTheOtherReturnOptionsInSearchAndSort() {
            assertThat(((ImapCommand.Search) parsed("a SEARCH RETURN (SAVE) FLAGGED")).returnOptions())
                    .contains(Set.of(SearchReturn.SAVE));
            assertThat(((ImapCommand.Search) parsed("a UID SEARCH RETURN (MIN SAVE) $")).returnOptions())
                    .contains(Set.of(SearchReturn.SAVE, SearchReturn.MIN));
            assertThat(((ImapCommand.Sort) parsed("a SORT RETURN (SAVE) (DATE) UTF-8 ALL")).returnOptions())
                    .contains(Set.of(SearchReturn.SAVE));
        }

        @ParameterizedTest
        @ValueSource(strings = {"a FETCH $,1 FLAGS", "a FETCH 1,$ FLAGS", "a STORE $:2 +FLAGS (x)", "a COPY $$ x",
            "a MOVE ($) x", "a FETCH $1 FLAGS"})
        void theSavedResultStandsAlone(String line) {
            assertThat(refusal(line)).isIn(Refusal.SYNTAX, Refusal.INVALID_SEQUENCE_SET);
        }

        @Test
        void statusTakesSizeAndDeleted() {
            assertThat(parsed("a STATUS INBOX (SIZE DELETED MESSAGES)")).isEqualTo(new ImapCommand.Status("a",
                    MailboxName.INBOX, List.of(StatusItem.SIZE, StatusItem.DELETED, StatusItem.MESSAGES)));
        }

        @Test
        void mailboxNamesAreUtf8OnceEnabledAndModifiedUtf7Before() {
            assertThat(parsed("a CREATE \"Gr\u00f6\u00dfe/\u65e5\u672c\"", true)).isEqualTo(
                    new ImapCommand.Create("a", mbox("Gr\u00f6\u00dfe/\u65e5\u672c"), List.of()));
            assertThat(parsed("a SELECT \"Gr\u00f6\u00dfe\"", true)).isInstanceOfSatisfying(ImapCommand.Select.class,
                    sel -> assertThat(sel.mailbox()).isEqualTo(mbox("Gr\u00f6\u00dfe")));
            // UTF-8 is allowed in quoted strings only (RFC 9051 QUOTED-CHAR); an atom stays 7-bit.
            assertThat(rejected("a SELECT Gr\u00f6\u00dfe", true)).isNotNull();
            // In UTF-8 mode the name is taken as written: "&APY-" is four ASCII characters, not "\u00f6".
            assertThat(parsed("a CREATE Gr&APY-", true)).isEqualTo(new ImapCommand.Create("a", mbox("Gr&APY-"),
                    List.of()));
            assertThat(parsed("a CREATE Gr&APY-", false)).isEqualTo(new ImapCommand.Create("a", mbox("Gr\u00f6"),
                    List.of()));
            assertThat(rejected("a CREATE \"Gr\u00f6\u00dfe\"", false)).isNotNull();
        }
    }
}
