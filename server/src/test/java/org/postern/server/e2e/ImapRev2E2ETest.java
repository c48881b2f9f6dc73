package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.mta.checks.LoopbackDns;

/**
 * IMAP4rev2 (RFC 9051) and SEARCHRES (RFC 5182) on a real {@code ./postern serve}: Python's
 * imaplib switching a session to rev2 with ENABLE (ESEARCH instead of SEARCH, no RECENT, UTF-8
 * mailbox names, STATUS SIZE), and a raw TLS socket for the saved search result {@code $} in
 * FETCH, STORE, SEARCH, MOVE and their UID forms.
 */
class ImapRev2E2ETest {
    private static final String DOMAIN = "example.test";
    private static final String ALICE = "alice@example.test";
    private static final String BOB = "bob@example.test";
    private static final String CAROL = "carol@example.test";
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    static Path tmp;

    static LoopbackDns dns;
    static Launcher postern;
    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        dns = LoopbackDns.zone().start();
        postern = new Launcher(tmp.resolve("data")).env("POSTERN_DNS_SERVERS", dns.serverSpec());
        try (Deployment d = Deployment.open(postern.dataDir())) {
            d.domain(DOMAIN).user(ALICE).user(BOB).user(CAROL);
        }
        server = RunningServer.start(postern, RunningServer.MX_HOSTNAME);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    private static Launcher.Result python(String script, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(ExternalTool.PYTHON, "-c", script));
        cmd.addAll(List.of(args));
        return ExternalTool.run(Duration.ofSeconds(60), null, cmd);
    }

    private static final String IMAPLIB_REV2 = """
            import imaplib, ssl, sys
            port, user, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            def connect():
                c = imaplib.IMAP4_SSL('127.0.0.1', port, ssl_context=ctx)
                c.login(user, pw)
                return c
            c = connect()
            typ, caps = c.capability()
            caps = caps[0].split()
            for cap in (b'IMAP4rev1', b'IMAP4rev2', b'SEARCHRES', b'STATUS=SIZE', b'ENABLE', b'ESEARCH'):
                assert cap in caps, (cap, caps)
            sizes = 0
            for i in range(3):
                raw = b'From: x@example.test\\r\\nSubject: message %d\\r\\n\\r\\nbody %d\\r\\n' % (i, i)
                sizes += len(raw)
                typ, _ = c.append('INBOX', None, None, raw)
                assert typ == 'OK'

            # IMAP4rev1 until enabled: RECENT on SELECT, SEARCH answered with SEARCH.
            typ, data = c.select('INBOX')
            assert typ == 'OK' and data == [b'3'], data
            assert 'RECENT' in c.untagged_responses, c.untagged_responses
            typ, data = c.search(None, 'ALL')
            assert data == [b'1 2 3'], data
            typ, data = c.status('INBOX', '(MESSAGES SIZE)')
            assert data == [b'"INBOX" (MESSAGES 3 SIZE %d)' % sizes], (data, sizes)

            typ, data = c.close()  # ENABLE is for the authenticated state (RFC 9051 §6.3.1)
            assert typ == 'OK', data
            typ, data = c.enable('IMAP4rev2')
            assert typ == 'OK' and c.untagged_responses.pop('ENABLED') == [b'IMAP4rev2'], c.untagged_responses
            # imaplib only switches its own encoding for UTF8=ACCEPT; IMAP4rev2 makes names UTF-8 as well.
            c._mode_utf8()

            typ, data = c.select('INBOX')
            assert typ == 'OK' and data == [b'3'], data
            typ, data = c.select('INBOX')
            assert typ == 'OK' and data == [b'3'], data
            assert 'RECENT' not in c.untagged_responses, c.untagged_responses
            assert b'[CLOSED] Previous mailbox closed' in c.untagged_responses.get('OK', []), c.untagged_responses
            assert any(l.endswith(b'"/" "INBOX"') for l in c.untagged_responses.get('LIST', [])), c.untagged_responses
            assert not any(b'UNSEEN' in l for l in c.untagged_responses.get('OK', [])), c.untagged_responses
            typ, data = c.search(None, 'ALL')
            assert typ == 'OK' and data == [None], data
            esearch = c.untagged_responses.pop('ESEARCH')
            assert len(esearch) == 1 and esearch[0].endswith(b') ALL 1:3'), esearch
            typ, data = c.uid('SEARCH', 'SUBJECT', '"message 1"')
            esearch = c.untagged_responses.pop('ESEARCH')
            assert esearch[0].endswith(b') UID ALL 2'), esearch
            typ, data = c.search(None, 'SUBJECT', 'nothing-like-this')
            esearch = c.untagged_responses.pop('ESEARCH')
            assert b'ALL' not in esearch[0], esearch

            # UTF-8 mailbox names, both ways, once IMAP4rev2 is on.
            typ, data = c.create('"Gr\\u00f6\\u00dfe/\\u65e5\\u672c"')
            assert typ == 'OK', data
            typ, data = c.list('""', '"Gr*"')
            names = [l.decode('utf-8') for l in data]
            assert '(\\\\HasChildren) "/" "Gr\\u00f6\\u00dfe"' in names, names
            assert '(\\\\HasNoChildren) "/" "Gr\\u00f6\\u00dfe/\\u65e5\\u672c"' in names, names
            typ, data = c.copy('1:2', '"Gr\\u00f6\\u00dfe/\\u65e5\\u672c"')
            assert typ == 'OK', data
            typ, data = c.status('"Gr\\u00f6\\u00dfe/\\u65e5\\u672c"', '(MESSAGES SIZE)')
            assert typ == 'OK' and data[0].decode('utf-8').endswith('(MESSAGES 2 SIZE %d)' % (sizes - len(raw))), data
            typ, data = c.delete('"Gr\\u00f6\\u00dfe"')
            assert typ == 'NO' and b'[HASCHILDREN]' in data[0], data
            c.logout()

            # A session that never enabled IMAP4rev2 sees the same mailbox in modified UTF-7.
            c = connect()
            typ, data = c.list('""', 'Gr*')
            assert b'(\\\\HasChildren) "/" "Gr&APYA3w-e"' in data, data
            typ, data = c.select('"Gr&APYA3w-e/&ZeVnLA-"')
            assert typ == 'OK' and data == [b'2'], data
            c.logout()
            print('ok')
            """;

    @Test
    void enableImap4rev2GivesEsearchNoRecentAndUtf8MailboxNamesOverImaplib() {
        Launcher.Result r = python(IMAPLIB_REV2, Integer.toString(server.port("imaps")), ALICE, PASSWORD);
        assertThat(r.exitCode()).as(r + "\n" + server.output()).isZero();
        assertThat(r.out()).endsWith("ok\n");
    }

    private static void append(ImapConnection c, String tag, String subject) throws Exception {
        String msg = "From: y@example.test\r\nSubject: " + subject + "\r\n\r\nbody\r\n";
        c.write(tag + " APPEND INBOX {" + msg.getBytes(StandardCharsets.UTF_8).length + "+}\r\n" + msg + "\r\n");
        assertThat(c.until(tag + " ").getLast()).startsWith(tag + " OK [APPENDUID ");
    }

    @Test
    void aSavedSearchResultIsUsableAsDollarInFetchStoreSearchAndMove() throws Exception {
        try (ImapConnection c = ImapConnection.tls(server.port("imaps"))) {
            assertThat(c.command("l", "LOGIN " + BOB + " \"" + PASSWORD + "\"").getLast()).startsWith("l OK")
                    .contains(" SEARCHRES");
            for (int i = 1; i <= 5; i++) {
                append(c, "a" + i, (i % 2 == 1 ? "keep " : "drop ") + i);
            }
            assertThat(c.command("c", "CREATE Kept").getLast()).startsWith("c OK");
            assertThat(c.command("s", "SELECT INBOX")).contains("* 5 EXISTS");

            // Before any SAVE, $ is the empty set: not an error (RFC 5182 §2.1).
            assertThat(c.command("f0", "FETCH $ (UID)")).containsExactly("f0 OK FETCH completed");
            assertThat(c.command("u0", "UID STORE $ +FLAGS (\\Flagged)")).containsExactly("u0 OK UID STORE completed");
            assertThat(c.command("q0", "UID SEARCH UID $")).containsExactly("* SEARCH", "q0 OK UID SEARCH completed");
            assertThat(c.command("m0", "MOVE $ Kept")).containsExactly("m0 OK MOVE completed");

            // SAVE alone answers no ESEARCH; $ then names messages 1, 3 and 5 in every command.
            assertThat(c.command("s1", "SEARCH RETURN (SAVE) SUBJECT keep")).containsExactly(
                    "s1 OK SEARCH completed");
            assertThat(c.command("f1", "FETCH $ (UID)")).containsExactly("* 1 FETCH (UID 1)", "* 3 FETCH (UID 3)",
                    "* 5 FETCH (UID 5)", "f1 OK FETCH completed");
            List<String> stored = c.command("u1", "UID STORE $ +FLAGS (\\Flagged)");
            assertThat(stored).hasSize(4).last().isEqualTo("u1 OK UID STORE completed");
            assertThat(stored.get(1)).contains("FLAGS (\\Flagged)").contains("UID 3");
            assertThat(c.command("q1", "SEARCH $ NOT FLAGGED")).containsExactly("* SEARCH", "q1 OK SEARCH completed");
            assertThat(c.command("q2", "UID SEARCH RETURN (ALL) UID $")).containsExactly(
                    "* ESEARCH (TAG \"q2\") UID ALL 1,3,5", "q2 OK UID SEARCH completed");

            // SAVE with MIN alone keeps only the first match.
            assertThat(c.command("s2", "SEARCH RETURN (SAVE MIN) FLAGGED")).containsExactly(
                    "* ESEARCH (TAG \"s2\") MIN 1", "s2 OK SEARCH completed");
            assertThat(c.command("f2", "UID FETCH $ (FLAGS)")).containsExactly("* 1 FETCH (UID 1 FLAGS (\\Flagged))",
                    "f2 OK UID FETCH completed");

            // MOVE $ moves the saved messages; once expunged they leave $.
            assertThat(c.command("s3", "UID SEARCH RETURN (SAVE) SUBJECT keep")).containsExactly(
                    "s3 OK UID SEARCH completed");
            List<String> moved = c.command("m1", "MOVE $ Kept");
            assertThat(moved.getFirst()).startsWith("* OK [COPYUID ");
            assertThat(moved).contains("* 5 EXPUNGE", "* 3 EXPUNGE", "* 1 EXPUNGE").last()
                    .isEqualTo("m1 OK MOVE completed");
            assertThat(c.command("f3", "FETCH $ (UID)")).containsExactly("f3 OK FETCH completed");
            assertThat(c.command("f4", "FETCH 1:* (UID)")).containsExactly("* 1 FETCH (UID 2)", "* 2 FETCH (UID 4)",
                    "f4 OK FETCH completed");

            // The saved result belongs to the selected mailbox: SELECT, EXAMINE and UNSELECT drop it.
            assertThat(c.command("s4", "SEARCH RETURN (SAVE) ALL")).containsExactly("s4 OK SEARCH completed");
            assertThat(c.command("f5", "FETCH $ (UID)")).hasSize(3);
            assertThat(c.command("x", "EXAMINE Kept")).contains("* 3 EXISTS");
            assertThat(c.command("f6", "FETCH $ (UID)")).containsExactly("f6 OK FETCH completed");
            assertThat(c.command("s5", "SEARCH RETURN (SAVE) ALL")).containsExactly("s5 OK SEARCH completed");
            assertThat(c.command("n", "UNSELECT").getLast()).startsWith("n OK");
            assertThat(c.command("y", "SELECT Kept")).contains("* 3 EXISTS");
            assertThat(c.command("f7", "UID FETCH $ (UID)")).containsExactly("f7 OK UID FETCH completed");

            // SORT saves too; with MIN alone, $ is the first message in sort order ("keep 5").
            assertThat(c.command("o", "SORT RETURN (SAVE MIN) (REVERSE SUBJECT) UTF-8 ALL")).containsExactly(
                    "* ESEARCH (TAG \"o\") MIN 3", "o OK SORT completed");
            assertThat(c.command("f8", "FETCH $ (UID)")).containsExactly("* 3 FETCH (UID 3)", "f8 OK FETCH completed");
        }
    }

    @Test
    void underImap4rev2SelectAnswersWithoutRecentAndUnseenAndSearchesWithEsearch() throws Exception {
        try (ImapConnection c = ImapConnection.tls(server.port("imaps"))) {
            assertThat(c.command("l", "LOGIN " + CAROL + " \"" + PASSWORD + "\"").getLast()).startsWith("l OK");
            append(c, "a1", "first");
            append(c, "a2", "second");
            List<String> rev1 = c.command("s", "SELECT INBOX");
            assertThat(rev1).contains("* 0 RECENT", "* OK [UNSEEN 1] First unseen");
            assertThat(c.command("u", "UNSELECT").getLast()).startsWith("u OK");
            assertThat(c.command("e", "ENABLE IMAP4rev2")).containsExactly("* ENABLED IMAP4rev2",
                    "e OK ENABLE completed");
            assertThat(c.command("s2", "SELECT INBOX")).doesNotContain("* OK [CLOSED] Previous mailbox closed");
            List<String> rev2 = c.command("t", "SELECT INBOX");
            assertThat(rev2).contains("* OK [CLOSED] Previous mailbox closed", "* 2 EXISTS",
                    "* LIST (\\HasNoChildren) \"/\" \"INBOX\"").last().asString().startsWith("t OK [READ-WRITE]");
            assertThat(rev2).noneMatch(l -> l.contains("RECENT") || l.contains("UNSEEN"));
            assertThat(c.command("q", "SEARCH UNSEEN")).containsExactly("* ESEARCH (TAG \"q\") ALL 1:2",
                    "q OK SEARCH completed");
            assertThat(c.command("r", "UID SEARCH RETURN (COUNT SAVE) SUBJECT second")).containsExactly(
                    "* ESEARCH (TAG \"r\") UID COUNT 1", "r OK UID SEARCH completed");
            assertThat(c.command("f", "FETCH $ (UID FLAGS)")).containsExactly("* 2 FETCH (UID 2 FLAGS ())",
                    "f OK FETCH completed");
            assertThat(c.command("st", "STATUS INBOX (MESSAGES DELETED SIZE)").getFirst())
                    .matches("\\* STATUS \"INBOX\" \\(MESSAGES 2 DELETED 0 SIZE \\d+\\)");

            // RENAME creates the new name's missing superiors, so LIST has no \NonExistent hole to show.
            assertThat(c.command("c1", "CREATE Old").getLast()).startsWith("c1 OK");
            assertThat(c.command("r1", "RENAME Old Top/Middle/New").getLast()).startsWith("r1 OK");
            assertThat(c.command("l1", "LIST \"\" Top*")).containsExactly(
                    "* LIST (\\HasChildren) \"/\" \"Top\"", "* LIST (\\HasChildren) \"/\" \"Top/Middle\"",
                    "* LIST (\\HasNoChildren) \"/\" \"Top/Middle/New\"", "l1 OK LIST completed");
            assertThat(c.command("r2", "RENAME Top Top/Below").getLast()).startsWith("r2 NO [CANNOT]");
        }
    }
}
