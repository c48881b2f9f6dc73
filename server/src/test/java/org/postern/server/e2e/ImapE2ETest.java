package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.CliE2ETest.ok;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.mta.checks.LoopbackDns;
import org.postern.server.e2e.ApiClient.Response;

/**
 * The IMAP ports of a real {@code ./postern serve}, driven by Python's imaplib, mbsync and raw
 * sockets: LOGINDISABLED before TLS, STARTTLS and implicit TLS, app passwords for a user with
 * TOTP, mail delivered over SMTP read back, flags, search, append, expunge, IDLE, and malformed
 * input.
 */
class ImapE2ETest {
    private static final String DOMAIN = "example.test";
    private static final String ALICE = "alice@example.test";
    private static final String BOB = "bob@example.test";
    private static final String CAROL = "carol@example.test";
    private static final String DAVE = "dave@example.test";
    private static final String ERIN = "erin@example.test";
    private static final String FRANK = "frank@example.test";
    private static final String GRACE = "grace@example.test";
    private static final String HEIDI = "heidi@example.test";
    private static final String IVAN = "ivan@example.test";
    private static final String JUDY = "judy@example.test";
    private static final String PASSWORD = "correct horse battery staple";
    private static final String SENDER = "news@sender.test";

    @TempDir
    static Path tmp;

    static LoopbackDns dns;
    static Launcher postern;
    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        dns = LoopbackDns.zone().txt("sender.test", "v=spf1 ip4:127.0.0.1 -all").start();
        postern = new Launcher(tmp.resolve("data")).env("POSTERN_DNS_SERVERS", dns.serverSpec())
                .env("POSTERN_MAIL_QUOTA_BYTES", "1MiB").env("POSTERN_IMAP_IDLE_KEEPALIVE", "1s");
        try (Deployment d = Deployment.open(postern.dataDir())) {
            d.domain(DOMAIN).user(ALICE).user(BOB).user(CAROL).user(DAVE).user(ERIN).user(FRANK).user(GRACE).user(HEIDI).user(IVAN).user(JUDY);
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

    private static String deliver(String to, String subject, String body) throws Exception {
        String id = TestMessages.newMessageId("sender.test");
        try (SmtpConnection c = SmtpConnection.ready(server.smtpPort())) {
            c.send(SENDER, to, TestMessages.message(SENDER, to, id, subject, body)).require(250);
            c.command("QUIT");
        }
        return id;
    }

    private static Launcher.Result python(String script, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(ExternalTool.PYTHON, "-c", script));
        cmd.addAll(List.of(args));
        return ExternalTool.run(Duration.ofSeconds(60), null, cmd);
    }

    private static final String IMAPLIB_SESSION = """
            import imaplib, ssl, sys, time
            port, user, pw, msgid = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
            c = imaplib.IMAP4('127.0.0.1', port)
            assert 'LOGINDISABLED' in c.capabilities and 'STARTTLS' in c.capabilities, c.capabilities
            try:
                c.login(user, pw)
                raise SystemExit('LOGIN worked before TLS')
            except imaplib.IMAP4.error as e:
                print('refused before TLS:', e)
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            c.starttls(ctx)
            typ, _ = c.login(user, pw)
            assert typ == 'OK'
            typ, data = c.select('INBOX')
            assert typ == 'OK' and data == [b'1'], data
            typ, data = c.fetch('1', '(UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (Message-ID Subject)] ENVELOPE BODYSTRUCTURE)')
            assert typ == 'OK', data
            meta, header = data[0]
            meta = meta + b''.join(x for x in data[1:] if isinstance(x, bytes))
            assert msgid.encode() in header and b'Hello IMAP' in header, header
            assert b'\\\\Seen' not in meta and b'ENVELOPE' in meta and b'BODYSTRUCTURE ("TEXT" "PLAIN"' in meta, meta
            typ, data = c.fetch('1', '(BODY[TEXT])')
            assert b'the body line' in data[0][1], data
            typ, data = c.fetch('1', '(FLAGS)')
            assert b'\\\\Seen' in data[0], data
            typ, data = c.store('1', '+FLAGS', '\\\\Flagged')
            assert typ == 'OK' and b'\\\\Flagged' in data[0], data
            typ, data = c.search(None, 'FLAGGED', 'SUBJECT', '"hello imap"')
            assert data == [b'1'], data
            typ, data = c.search(None, 'UNFLAGGED')
            assert data == [b''], data
            typ, data = c.uid('SEARCH', 'FROM', 'sender.test', 'SINCE', '1-Jan-2020', 'LARGER', '10')
            assert typ == 'OK' and data[0] != b'', data
            raw = b'From: alice@example.test\\r\\nSubject: appended\\r\\nMessage-ID: <appended@example.test>\\r\\n\\r\\nkept\\r\\n'
            typ, data = c.append('INBOX', '(\\\\Seen $Work)', imaplib.Time2Internaldate(time.time()), raw)
            assert typ == 'OK' and b'APPENDUID' in data[0], data
            typ, data = c.noop()
            typ, data = c.select('INBOX')
            assert data == [b'2'], data
            typ, data = c.fetch('2', '(FLAGS BODY.PEEK[])')
            assert data[0][1] == raw and b'$Work' in data[0][0], data
            c.store('1', '+FLAGS', '\\\\Deleted')
            typ, data = c.expunge()
            assert data == [b'1'], data
            typ, data = c.select('INBOX')
            assert data == [b'1'], data
            typ, data = c.list()
            names = b' '.join(data)
            assert b'"INBOX"' in names and b'\\\\Sent' in names and b'\\\\HasNoChildren' in names, data
            typ, data = c.create('Projects/2024')
            assert typ == 'OK', data
            typ, data = c.copy('1', 'Projects/2024')
            assert typ == 'OK' and b'COPYUID' in data[0], data
            typ, data = c.status('Projects/2024', '(MESSAGES UIDNEXT UNSEEN)')
            assert b'MESSAGES 1' in data[0], data
            typ, data = c.list('""', 'Projects/%')
            assert b'Projects/2024' in data[0], data
            c.logout()
            print('ok')
            """;

    @Test
    void imaplibLogsInAfterStartTlsAndReadsFlagsSearchesAppendsAndExpunges() throws Exception {
        String id = deliver(ALICE, "Hello IMAP", "the body line\r\n");
        Launcher.Result r = python(IMAPLIB_SESSION, Integer.toString(server.port("imap")), ALICE, PASSWORD, id);
        assertThat(r.exitCode()).as(r + "\n" + server.output()).isZero();
        assertThat(r.out()).contains("refused before TLS").endsWith("ok\n");
        assertThat(Deployment.messages(postern.dataDir(), ALICE, "INBOX")).singleElement()
                .satisfies(m -> assertThat(m.text()).contains("Subject: appended"));
    }

    private static final String LOGIN_OVER_IMAPS = """
            import imaplib, ssl, sys
            port, user, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            c = imaplib.IMAP4_SSL('127.0.0.1', port, ssl_context=ctx)
            try:
                c.login(user, pw)
            except imaplib.IMAP4.error as e:
                print('refused', e)
                raise SystemExit(3)
            typ, data = c.select('INBOX')
            print('selected', data[0].decode())
            c.logout()
            """;

    @Test
    void withTotpEnrolledOnlyAnAppPasswordScopedImapLogsIn() throws Exception {
        ApiClient api = new ApiClient(server.port("http"));
        Response signIn = api.post("/api/v1/auth/sign-in", null, Map.of("login", BOB, "password", PASSWORD));
        assertThat(signIn.status()).as(signIn.toString()).isEqualTo(200);
        String access = signIn.text("access_token");
        Response setup = api.post("/api/v1/auth/mfa/totp", access, Map.of());
        Authenticator phone = new Authenticator(setup.text("secret"));
        Response confirmed = api.post("/api/v1/auth/mfa/totp/confirm", access, Map.of("code", phone.now()));
        assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
        access = confirmed.body().get("tokens").get("access_token").asText();
        Response smtpOnly = api.post("/api/v1/auth/app-passwords", access, Map.of("name", "mailer", "scopes",
                List.of("smtp")));
        Response app = api.post("/api/v1/auth/app-passwords", access, Map.of("name", "Thunderbird", "scopes",
                List.of("imap")));
        assertThat(app.status()).as(app.toString()).isEqualTo(201);
        Response mfa = api.get("/api/v1/auth/mfa", access);
        assertThat(mfa.raw()).as(mfa.toString()).contains("\"totp_enrolled\":true");
        int imaps = server.port("imaps");

        Launcher.Result account = python(LOGIN_OVER_IMAPS, Integer.toString(imaps), BOB, PASSWORD);
        assertThat(account.exitCode()).as("the account password of a TOTP user is refused: " + account).isEqualTo(3);
        assertThat(account.out()).contains("AUTHENTICATIONFAILED");
        Launcher.Result wrongScope = python(LOGIN_OVER_IMAPS, Integer.toString(imaps), BOB, smtpOnly.text("secret"));
        assertThat(wrongScope.exitCode()).as(wrongScope.toString()).isEqualTo(3);
        Launcher.Result good = python(LOGIN_OVER_IMAPS, Integer.toString(imaps), BOB, app.text("secret"));
        assertThat(good.exitCode()).as(good + "\n" + server.output()).isZero();
        assertThat(good.out()).contains("selected 0");
        assertThat(postern.run("audit-log", "list", "--user", BOB).out()).contains("imap.signin");
    }

    @Test
    void idleReportsMailDeliveredBySmtpWithinOneSecond() throws Exception {
        try (ImapConnection c = ImapConnection.tls(server.port("imaps"))) {
            assertThat(c.command("a", "LOGIN " + CAROL + " \"" + PASSWORD + "\"").getLast()).startsWith("a OK");
            assertThat(c.command("b", "SELECT INBOX")).contains("* 0 EXISTS");
            c.write("c IDLE\r\n");
            assertThat(c.line()).startsWith("+ ");
            deliver(CAROL, "While idling", "ping\r\n");
            long delivered = System.nanoTime();
            assertThat(c.until("* 1 EXISTS")).last().isEqualTo("* 1 EXISTS");
            long millis = (System.nanoTime() - delivered) / 1_000_000;
            assertThat(millis).as("IDLE saw the delivery after %d ms", millis).isLessThan(1000);
            c.write("DONE\r\n");
            assertThat(c.until("c ").getLast()).startsWith("c OK");
            assertThat(c.command("d", "UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])"))
                    .anyMatch(l -> l.contains("UID 1")).last().asString().startsWith("d OK");
        }
    }

    @Test
    void malformedCommandsAreAnsweredBadAndTheSessionGoesOn() throws Exception {
        try (ImapConnection c = ImapConnection.plain(server.port("imap"))) {
            assertThat(c.command("a1", "FROBNICATE now").getLast()).startsWith("a1 BAD");
            assertThat(c.command("a2", "LOGIN").getLast()).startsWith("a2 BAD");
            assertThat(c.command("a3", "SELECT INBOX").getLast()).startsWith("a3 BAD");
            // A huge literal is refused at once: no "+ go ahead", nothing read, no memory reserved.
            c.write("a4 LOGIN {4000000000}\r\n");
            assertThat(c.line()).startsWith("a4 BAD [TOOBIG]");
            assertThat(c.command("a5", "NOOP").getLast()).isEqualTo("a5 OK NOOP completed");
            assertThat(c.command("a6", "LOGIN " + DAVE + " \"" + PASSWORD + "\"").getLast())
                    .startsWith("a6 NO [PRIVACYREQUIRED]");
            assertThat(c.command("a7", "CAPABILITY")).anyMatch(l -> l.contains("LOGINDISABLED"));
        }
        try (ImapConnection c = ImapConnection.tls(server.port("imaps"))) {
            assertThat(c.command("b1", "LOGIN " + DAVE + " \"" + PASSWORD + "\"").getLast()).startsWith("b1 OK");
            assertThat(c.command("b2", "FETCH 1 (FLAGS)").getLast()).startsWith("b2 BAD");
            assertThat(c.command("b3", "SELECT INBOX").getLast()).startsWith("b3 OK");
            assertThat(c.command("b4", "FETCH 5 (FLAGS)").getLast()).startsWith("b4 BAD");
            assertThat(c.command("b5", "SEARCH (((((").getLast()).startsWith("b5 BAD");
            assertThat(c.command("b6", "STATUS Nowhere (MESSAGES)").getLast()).startsWith("b6 NO [NONEXISTENT]");
            assertThat(c.command("b7", "NOOP").getLast()).startsWith("b7 OK");
        }
    }

    private static List<String> maildirFiles(Path folder) throws java.io.IOException {
        List<String> texts = new java.util.ArrayList<>();
        for (String sub : List.of("cur", "new")) {
            Path dir = folder.resolve(sub);
            if (Files.isDirectory(dir)) {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        texts.add(Files.readString(f, StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return texts;
    }

    @Test
    void mbsyncSyncsAMailboxToMaildirAndBack() throws Exception {
        String id = deliver(DAVE, "For mbsync", "synchronised\r\n");
        Path home = Files.createDirectories(tmp.resolve("mbsync"));
        Path maildir = Files.createDirectories(home.resolve("mail"));
        Path cert = postern.dataDir().resolve("tls/cert.pem");
        Path config = home.resolve("mbsyncrc");
        Files.writeString(config, String.join("\n",
                "IMAPAccount postern",
                "Host 127.0.0.1",
                "Port " + server.port("imaps"),
                "User " + DAVE,
                "Pass \"" + PASSWORD + "\"",
                "SSLType IMAPS",
                "CertificateFile " + cert,
                "",
                "IMAPStore remote",
                "Account postern",
                "",
                "MaildirStore local",
                "Path " + maildir + "/",
                "Inbox " + maildir + "/INBOX",
                "SubFolders Verbatim",
                "",
                "Channel sync",
                "Far :remote:",
                "Near :local:",
                "Patterns INBOX Archive",
                "Create Both",
                "SyncState *",
                "Sync All",
                "Expunge Both",
                ""));
        Launcher.Result first = ExternalTool.run(Duration.ofSeconds(120), null,
                List.of("mbsync", "-c", config.toString(), "-a"));
        assertThat(first.exitCode()).as(first + "\n" + server.output()).isZero();
        assertThat(maildirFiles(maildir.resolve("INBOX"))).as("the delivered message came down")
                .anyMatch(text -> text.contains(id));
        // A message written locally goes up to the server.
        Path newDir = maildir.resolve("Archive/new");
        Files.createDirectories(newDir);
        Files.createDirectories(maildir.resolve("Archive/cur"));
        Files.createDirectories(maildir.resolve("Archive/tmp"));
        Files.writeString(newDir.resolve("1700000000.local.host"),
                "From: dave@example.test\r\nSubject: from the laptop\r\nMessage-ID: <laptop@example.test>\r\n\r\nup\r\n");
        Launcher.Result second = ExternalTool.run(Duration.ofSeconds(120), null,
                List.of("mbsync", "-c", config.toString(), "-a"));
        assertThat(second.exitCode()).as(second + "\n" + server.output()).isZero();
        assertThat(Deployment.messages(postern.dataDir(), DAVE, "Archive"))
                .anyMatch(m -> m.text().contains("Subject: from the laptop"));
        assertThat(Deployment.find(postern.dataDir(), DAVE, "INBOX", id)).isPresent();
    }

    private static ImapConnection signedIn(String user) throws Exception {
        ImapConnection c = ImapConnection.tls(server.port("imaps"));
        assertThat(c.command("l", "LOGIN " + user + " \"" + PASSWORD + "\"").getLast()).startsWith("l OK");
        return c;
    }

    /** The number after {@code key} in the first line that has it, e.g. {@code HIGHESTMODSEQ 12}. */
    private static long number(List<String> lines, String key) {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(key) + " \\(?(\\d+)");
        for (String l : lines) {
            java.util.regex.Matcher m = p.matcher(l);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no " + key + " in " + lines);
    }

    @Test
    void condstoreReportsModSeqsFetchesOnlyChangesAndRefusesAStoreOnAMessageChangedElsewhere() throws Exception {
        deliver(ERIN, "first", "one\r\n");
        deliver(ERIN, "second", "two\r\n");
        try (ImapConnection c = signedIn(ERIN); ImapConnection other = signedIn(ERIN)) {
            assertThat(c.command("a", "CAPABILITY").getFirst())
                    .contains(" CONDSTORE", " QRESYNC", " ESEARCH", " SORT");
            assertThat(c.command("b", "ENABLE CONDSTORE")).contains("* ENABLED CONDSTORE");
            List<String> select = c.command("c", "SELECT INBOX");
            long highest = number(select, "HIGHESTMODSEQ");
            List<String> fetched = c.command("d", "FETCH 1:* (UID MODSEQ)");
            assertThat(fetched).filteredOn(l -> l.contains("FETCH (UID")).hasSize(2);
            long second = number(fetched.subList(1, 2), "MODSEQ");

            assertThat(other.command("e", "SELECT INBOX").getLast()).startsWith("e OK");
            assertThat(other.command("f", "STORE 1 +FLAGS (\\Flagged)").getLast()).startsWith("f OK");

            List<String> changed = c.command("g", "UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + highest + ")");
            // The change is told as an update first, then as the answer (its MODSEQ included in both).
            assertThat(changed).filteredOn(l -> l.startsWith("* 1 FETCH")).isNotEmpty()
                    .allMatch(l -> l.contains("\\Flagged") && l.contains("MODSEQ ("));
            assertThat(changed).noneMatch(l -> l.startsWith("* 2 FETCH"));
            assertThat(changed.getLast()).startsWith("g OK");

            // Message 1 changed after "highest": the conditional store leaves it alone.
            assertThat(c.command("h", "STORE 1:2 (UNCHANGEDSINCE " + second + ") +FLAGS.SILENT (\\Seen)"))
                    .anyMatch(l -> l.matches("\\* 2 FETCH \\(MODSEQ \\(\\d+\\)\\)"))
                    .noneMatch(l -> l.startsWith("* 2 FETCH (FLAGS"))
                    .last().asString().startsWith("h OK [MODIFIED 1]");
            assertThat(c.command("i", "FETCH 1 (FLAGS)").getFirst()).doesNotContain("\\Seen");
            assertThat(c.command("j", "STORE 1 (UNCHANGEDSINCE 0) +FLAGS (\\Seen)").getLast())
                    .startsWith("j OK [MODIFIED 1]");

            List<String> search = c.command("k", "SEARCH MODSEQ " + (highest + 1));
            long now = number(c.command("m", "STATUS INBOX (HIGHESTMODSEQ)"), "HIGHESTMODSEQ");
            assertThat(search.getFirst()).isEqualTo("* SEARCH 1 2 (MODSEQ " + now + ")");
            assertThat(c.command("n", "SEARCH MODSEQ " + (now + 1)).getFirst()).isEqualTo("* SEARCH");
        }
    }

    @Test
    void qresyncSelectReportsVanishedUidsAndChangedFlagsAndLaterExpungesAsVanished() throws Exception {
        deliver(FRANK, "one", "1\r\n");
        deliver(FRANK, "two", "2\r\n");
        deliver(FRANK, "three", "3\r\n");
        long validity;
        long highest;
        try (ImapConnection c = signedIn(FRANK)) {
            assertThat(c.command("a", "SELECT INBOX (QRESYNC (1 1))").getLast()).as("QRESYNC needs ENABLE first")
                    .startsWith("a BAD");
            assertThat(c.command("b", "ENABLE QRESYNC")).contains("* ENABLED QRESYNC");
            List<String> select = c.command("c", "SELECT INBOX");
            validity = number(select, "UIDVALIDITY");
            highest = number(select, "HIGHESTMODSEQ");
        }
        try (ImapConnection other = signedIn(FRANK)) {
            other.command("d", "SELECT INBOX");
            assertThat(other.command("e", "STORE 2 +FLAGS (\\Seen)").getLast()).startsWith("e OK");
            other.command("f", "STORE 1 +FLAGS (\\Deleted)");
            assertThat(other.command("g", "EXPUNGE")).contains("* 1 EXPUNGE");
        }
        try (ImapConnection c = signedIn(FRANK)) {
            c.command("h", "ENABLE QRESYNC");
            List<String> select = c.command("i", "SELECT INBOX (QRESYNC (" + validity + " " + highest + " 1:3))");
            assertThat(select).contains("* VANISHED (EARLIER) 1");
            assertThat(select).filteredOn(l -> l.contains(" FETCH ")).singleElement().asString()
                    .startsWith("* 1 FETCH (FLAGS (\\Seen) UID 2 MODSEQ (");
            assertThat(select.getLast()).startsWith("i OK [READ-WRITE]");

            c.command("j", "STORE 1 +FLAGS.SILENT (\\Deleted)");
            assertThat(c.command("k", "UID EXPUNGE 2")).contains("* VANISHED 2").noneMatch(l -> l.endsWith("EXPUNGE"));
            List<String> resync = c.command("m", "UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + highest + " VANISHED)");
            assertThat(resync).contains("* VANISHED (EARLIER) 1:2");
            assertThat(resync.getLast()).startsWith("m OK");
            // A client whose UIDVALIDITY is stale gets a plain SELECT.
            assertThat(c.command("n", "SELECT INBOX (QRESYNC (" + (validity + 1) + " 1))"))
                    .contains("* OK [CLOSED] Previous mailbox closed").noneMatch(l -> l.startsWith("* VANISHED"));
        }
    }

    private static final String IMAPLIB_SORT = """
            import imaplib, ssl, sys
            port, user, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            c = imaplib.IMAP4_SSL('127.0.0.1', port, ssl_context=ctx)
            c.login(user, pw)
            typ, data = c.capability()
            assert b' SORT' in data[0], data
            c.select('INBOX')
            typ, data = c.sort('(SUBJECT)', 'UTF-8', 'ALL')
            print('subject', data[0].decode())
            typ, data = c.sort('(REVERSE SIZE)', 'UTF-8', 'ALL')
            print('size', data[0].decode())
            typ, data = c.uid('SORT', '(REVERSE ARRIVAL)', 'US-ASCII', 'SUBJECT', 'r')
            print('uid', data[0].decode())
            c.logout()
            """;

    @Test
    void sortOrdersBySubjectSizeAndArrivalAndEsearchAnswersMinMaxCountAll() throws Exception {
        deliver(GRACE, "Re: [list] banana", "bb\r\n");
        deliver(GRACE, "apple", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
        deliver(GRACE, "Fwd: cherry", "c\r\n");
        Launcher.Result r = python(IMAPLIB_SORT, Integer.toString(server.port("imaps")), GRACE, PASSWORD);
        assertThat(r.exitCode()).as(r + "\n" + server.output()).isZero();
        assertThat(r.out()).contains("subject 2 1 3\n", "size 2 1 3\n", "uid 3 1\n");
        try (ImapConnection c = signedIn(GRACE)) {
            c.command("a", "SELECT INBOX");
            assertThat(c.command("b", "SEARCH RETURN (MIN MAX COUNT ALL) ALL").getFirst())
                    .isEqualTo("* ESEARCH (TAG \"b\") MIN 1 MAX 3 COUNT 3 ALL 1:3");
            assertThat(c.command("c", "UID SEARCH RETURN (COUNT) SUBJECT apple").getFirst())
                    .isEqualTo("* ESEARCH (TAG \"c\") UID COUNT 1");
            assertThat(c.command("d", "SEARCH RETURN () SUBJECT nothing-like-this").getFirst())
                    .isEqualTo("* ESEARCH (TAG \"d\")");
            assertThat(c.command("e", "SORT (DISPLAYFROM) UTF-8 ALL").getLast()).startsWith("e BAD");
            // ESORT: MIN and MAX in sort order, ALL in sort order.
            assertThat(c.command("f", "SORT RETURN (MIN MAX COUNT ALL) (SUBJECT) UTF-8 ALL").getFirst())
                    .isEqualTo("* ESEARCH (TAG \"f\") MIN 2 MAX 3 COUNT 3 ALL 2,1,3");
            assertThat(c.command("g", "UID SORT RETURN () (REVERSE SUBJECT) UTF-8 ALL").getFirst())
                    .isEqualTo("* ESEARCH (TAG \"g\") UID ALL 3,1,2");
        }
    }

    @Test
    void listExtendedReturnsStatusAndChildInfoAndQuotaReportsAndEnforcesStorage() throws Exception {
        deliver(HEIDI, "counted", "x\r\n");
        try (ImapConnection c = signedIn(HEIDI)) {
            assertThat(c.command("a", "CAPABILITY").getFirst()).contains(" LIST-EXTENDED", " LIST-STATUS", " QUOTA");
            assertThat(c.command("b", "CREATE Work/Reports").getLast()).startsWith("b OK");
            c.command("c", "UNSUBSCRIBE Work");
            assertThat(c.command("d", "SUBSCRIBE Work/Reports").getLast()).startsWith("d OK");
            List<String> recursive = c.command("e", "LIST (SUBSCRIBED RECURSIVEMATCH) \"\" %");
            assertThat(recursive).anyMatch(l -> l.startsWith("* LIST (") && l.contains("Work")
                    && l.endsWith("(\"CHILDINFO\" (\"SUBSCRIBED\"))") && !l.contains("\\Subscribed"));
            assertThat(c.command("f", "LIST (RECURSIVEMATCH) \"\" %").getLast()).startsWith("f BAD");

            List<String> listStatus = c.command("g", "LIST \"\" * RETURN (STATUS (MESSAGES UNSEEN))");
            int inbox = -1;
            for (int i = 0; i < listStatus.size(); i++) {
                if (listStatus.get(i).startsWith("* LIST") && listStatus.get(i).endsWith(" \"INBOX\"")) {
                    inbox = i;
                }
            }
            assertThat(inbox).as(listStatus.toString()).isNotNegative();
            assertThat(listStatus.get(inbox + 1)).matches("\\* STATUS \"?INBOX\"? \\(MESSAGES 1 UNSEEN 1\\)");
            assertThat(listStatus).anyMatch(l -> l.matches("\\* STATUS \"?Work/Reports\"? \\(MESSAGES 0 UNSEEN 0\\)"));

            List<String> root = c.command("h", "GETQUOTAROOT INBOX");
            assertThat(root).anyMatch(l -> l.matches("\\* QUOTAROOT \"?INBOX\"? \"\""))
                    .contains("* QUOTA \"\" (STORAGE 1 1024)");
            assertThat(c.command("i", "GETQUOTA \"\"")).contains("* QUOTA \"\" (STORAGE 1 1024)");
            assertThat(c.command("j", "GETQUOTA \"elsewhere\"").getLast()).startsWith("j NO");
            // Over quota: refused before a byte of the literal is sent.
            c.write("k APPEND INBOX {2000000}\r\n");
            assertThat(c.line()).startsWith("k NO [OVERQUOTA]");
            assertThat(c.command("m", "NOOP").getLast()).startsWith("m OK");
        }
    }

    private static final String IMAPLIB_LARGE = """
            import imaplib, ssl, sys, time
            port, user, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            c = imaplib.IMAP4_SSL('127.0.0.1', port, ssl_context=ctx)
            c.login(user, pw)
            line = b'0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ\\r\\n'
            raw = b'From: ivan@example.test\\r\\nSubject: large\\r\\n\\r\\n' + line * 12000
            typ, data = c.append('INBOX', None, None, raw)
            assert typ == 'OK', data
            c.select('INBOX')
            typ, data = c.fetch('1', '(BODY.PEEK[])')
            assert data[0][1] == raw, (len(data[0][1]), len(raw))
            typ, data = c.fetch('1', '(RFC822.SIZE RFC822)')
            assert data[0][1] == raw and str(len(raw)).encode() in data[0][0], data[0][0]
            typ, data = c.fetch('1', '(FLAGS)')
            assert b'\\\\Seen' in data[0], data
            print('ok', len(raw))
            c.logout()
            """;

    @Test
    void aLargeMessageIsStreamedBackWhole() throws Exception {
        Launcher.Result r = python(IMAPLIB_LARGE, Integer.toString(server.port("imaps")), IVAN, PASSWORD);
        assertThat(r.exitCode()).as(r + "\n" + server.output()).isZero();
        assertThat(r.out()).startsWith("ok ");
    }

    @Test
    void aFloodOfCommandsIsSlowedToTheSessionsRateButAllAnswered() throws Exception {
        try (ImapConnection c = signedIn(IVAN)) {
            StringBuilder flood = new StringBuilder();
            for (int i = 0; i < 1000; i++) {
                flood.append("n").append(i).append(" NOOP\r\n");
            }
            long start = System.nanoTime();
            c.write(flood.toString());
            assertThat(c.until("n999 ").getLast()).startsWith("n999 OK");
            long millis = (System.nanoTime() - start) / 1_000_000;
            // A burst of 500 at once, then 200 per second: the other 500 take at least 2.5 s.
            assertThat(millis).as("1000 commands took %d ms", millis).isGreaterThanOrEqualTo(2000);
        }
    }

    @Test
    void renamingInboxMovesItsMessagesAndLeavesItEmpty() throws Exception {
        deliver(JUDY, "kept one", "1\r\n");
        deliver(JUDY, "kept two", "2\r\n");
        try (ImapConnection c = signedIn(JUDY)) {
            assertThat(c.command("a", "SELECT INBOX")).contains("* 2 EXISTS");
            // INBOX is selected here: its messages are told gone before the OK.
            assertThat(c.command("b", "RENAME INBOX Old/2024")).contains("* 2 EXPUNGE", "* 1 EXPUNGE")
                    .last().asString().startsWith("b OK");
            assertThat(c.command("d", "STATUS INBOX (MESSAGES)").getFirst()).endsWith("(MESSAGES 0)");
            assertThat(c.command("e", "STATUS Old/2024 (MESSAGES)").getFirst()).endsWith("(MESSAGES 2)");
            assertThat(c.command("f", "LIST \"\" Old*")).anyMatch(l -> l.endsWith(" \"Old\""))
                    .anyMatch(l -> l.endsWith(" \"Old/2024\""));
            assertThat(c.command("g", "RENAME INBOX Old/2024").getLast()).startsWith("g NO [ALREADYEXISTS]");
            assertThat(c.command("h", "EXAMINE Old/2024")).contains("* 2 EXISTS");
            assertThat(c.command("i", "FETCH 1:2 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])"))
                    .anyMatch(l -> l.contains("kept one")).anyMatch(l -> l.contains("kept two"));
        }
    }

    @Test
    void aQuietIdleIsKeptAliveAtTheConfiguredInterval() throws Exception {
        try (ImapConnection c = signedIn(IVAN)) {
            c.write("k IDLE\r\n");
            assertThat(c.line()).startsWith("+ ");
            long start = System.nanoTime();
            assertThat(c.line()).isEqualTo("* OK Still here");
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms").isBetween(500L, 5000L);
            c.write("DONE\r\n");
            assertThat(c.until("k ").getLast()).startsWith("k OK");
        }
    }
}
