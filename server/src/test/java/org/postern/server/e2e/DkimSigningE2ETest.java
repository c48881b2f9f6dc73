package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.CliE2ETest.failsWith;
import static org.postern.server.e2e.CliE2ETest.ok;

import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.mta.checks.LoopbackDns;

/**
 * DKIM signing of submitted mail, end to end: keys made by {@code ./postern dkim generate}, the
 * TXT records taken from {@code ./postern dns} and served by a real DNS server (dnsmasq), messages
 * submitted with smtplib on 587 and 465, fetched back over IMAP and verified by dkimpy, which
 * asks that DNS server for the keys.
 */
class DkimSigningE2ETest {
    private static final String DOMAIN = "example.test";
    private static final String NOKEY = "nokey.test";
    private static final String ALICE = "alice@example.test";
    private static final String BOB = "bob@example.test";
    private static final String CAROL = "carol@nokey.test";
    private static final String PASSWORD = "correct horse battery staple";
    private static final String HOST = "mail.test.example";
    private static final String MONTH = YearMonth.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMM"));

    @TempDir
    static Path tmp;

    static Launcher postern;
    static LoopbackDns dns;
    static RunningServer server;
    static Launcher.Result firstGenerate;
    static Launcher.Result secondGenerate;
    static Launcher.Result zone;

    @BeforeAll
    static void start() throws Exception {
        postern = new Launcher(tmp.resolve("data")).env("POSTERN_HOSTNAME", HOST);
        try (Deployment d = Deployment.open(postern.dataDir())) {
            d.domain(DOMAIN).domain(NOKEY).user(ALICE).user(BOB).user(CAROL);
        }
        firstGenerate = postern.run("dkim", "generate", DOMAIN);
        ok(firstGenerate);
        // A second pair in the same month: fresh selectors, the first pair retired but still published.
        secondGenerate = postern.run("dkim", "generate", DOMAIN);
        ok(secondGenerate);
        zone = postern.run("dns", DOMAIN);
        ok(zone);
        LoopbackDns.Zone records = LoopbackDns.zone();
        for (Map.Entry<String, String> txt : txtRecords(zone.out()).entrySet()) {
            records.txt(txt.getKey(), txt.getValue());
        }
        dns = records.start();
        server = RunningServer.start(postern, HOST);
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

    /** The TXT records of a zone-file fragment, by owner name without the final dot, strings joined. */
    static Map<String, String> txtRecords(String zoneFile) {
        Map<String, String> out = new LinkedHashMap<>();
        Pattern quoted = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
        for (String line : zoneFile.lines().toList()) {
            String[] f = line.split("\t", 5);
            if (f.length == 5 && f[3].equals("TXT")) {
                StringBuilder value = new StringBuilder();
                Matcher m = quoted.matcher(f[4]);
                while (m.find()) {
                    value.append(m.group(1));
                }
                out.put(f[0].replaceAll("\\.$", ""), value.toString());
            }
        }
        return out;
    }

    /**
     * Sends one message with smtplib (argv: mode 587|465, port, user, password, from, to, message-id,
     * subject), then fetches it from the recipient's INBOX over IMAPS and from the sender's Sent, and
     * verifies every DKIM-Signature with dkimpy against the loopback DNS server. Prints one line per
     * copy and signature: "copy sig N a=... s=... d=... ok|fail", "copy tampered N fail|ok", and
     * "copy signatures N".
     */
    private static final String SEND_AND_VERIFY = """
            import imaplib, smtplib, ssl, sys, re, dkim, dns.resolver
            mode, port, user, pw, mail_from, rcpt, msgid, subject, imaps, dnsport, rcpt_pw, lines = sys.argv[1:13]
            ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
            body = 'Hello from submission.\\r\\n' + ('A long line ' * 200 + '\\r\\n') * int(lines) + '\\r\\n\\r\\n'
            message = ('From: Alice <%s>\\r\\nTo: <%s>\\r\\nCc: <%s>\\r\\nSubject: %s\\r\\n  folded on a second line\\r\\n'
                       'Message-ID: <%s>\\r\\nMIME-Version: 1.0\\r\\nContent-Type: text/plain; charset=utf-8\\r\\n\\r\\n%s'
                       % (mail_from, rcpt, rcpt, subject, msgid, body)).encode()
            if mode == '465':
                s = smtplib.SMTP_SSL('127.0.0.1', int(port), context=ctx)
            else:
                s = smtplib.SMTP('127.0.0.1', int(port)); s.starttls(context=ctx)
            s.login(user, pw)
            s.sendmail(mail_from, [rcpt], message)
            s.quit()
            res = dns.resolver.Resolver(configure=False)
            res.nameservers = ['127.0.0.1']; res.port = int(dnsport); res.lifetime = 5
            def dnsfunc(name, timeout=5):
                n = name.decode() if isinstance(name, bytes) else name
                try:
                    answer = res.resolve(n, 'TXT')
                except Exception:
                    return b''
                return b''.join(answer[0].strings)
            def verify(raw, i):
                try:
                    return dkim.DKIM(raw).verify(idx=i, dnsfunc=dnsfunc)
                except dkim.ValidationError as e:
                    print('invalid', i, e)
                    return False
            def fetch(login, password, mailbox):
                m = imaplib.IMAP4_SSL('127.0.0.1', int(imaps), ssl_context=ctx)
                m.login(login, password)
                m.select(mailbox, readonly=True)
                typ, data = m.search(None, 'HEADER', 'Message-ID', msgid)
                ids = data[0].split()
                assert len(ids) == 1, (mailbox, ids)
                typ, data = m.fetch(ids[0], '(BODY.PEEK[])')
                m.logout()
                return data[0][1]
            for copy, (login, password, mailbox) in {'inbox': (rcpt, rcpt_pw, 'INBOX'), 'sent': (user, pw, 'Sent')}.items():
                raw = fetch(login, password, mailbox)
                n = len(re.findall(rb'(?im)^DKIM-Signature:', raw))
                print(copy, 'signatures', n)
                for i in range(n):
                    ok = verify(raw, i)
                    field = [h for h in dkim.DKIM(raw).headers if h[0].lower() == b'dkim-signature'][i][1]
                    tags = dict((k.strip(), v.strip()) for k, v in (t.split(b'=', 1) for t in field.replace(b'\\r\\n', b'').split(b';') if b'=' in t))
                    print(copy, 'sig', i, 'a=' + tags[b'a'].decode(), 's=' + tags[b's'].decode(), 'd=' + tags[b'd'].decode(), 'ok' if ok else 'fail')
                    tampered = raw.replace(b'Hello from submission.', b'Hello from Mallory!!!')
                    print(copy, 'tampered', i, 'ok' if verify(tampered, i) else 'fail')
            """;

    private static List<String> sendAndVerify(String mode, String user, String rcpt, String messageId) {
        return sendAndVerify(mode, user, rcpt, messageId, 1);
    }

    /** As above, with a body of {@code lines} lines of 2400 characters. */
    private static List<String> sendAndVerify(String mode, String user, String rcpt, String messageId, int lines) {
        int port = server.port(mode.equals("465") ? "submissions" : "submission");
        List<String> cmd = new ArrayList<>(List.of(ExternalTool.PYTHON, "-c", SEND_AND_VERIFY, mode,
                Integer.toString(port), user, PASSWORD, user, rcpt, messageId, "DKIM test " + mode,
                Integer.toString(server.port("imaps")), Integer.toString(dns.address().getPort()), PASSWORD,
                Integer.toString(lines)));
        Launcher.Result r = ExternalTool.run(Duration.ofSeconds(120), null, cmd);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.out().lines().toList();
    }

    @Test
    void generatePrintsFreshSelectorsAndTheRecordsToPublish() {
        assertThat(firstGenerate.out()).contains("DKIM keys generated for example.test: pe" + MONTH + "e (ed25519-sha256), pe"
                + MONTH + "r (rsa-sha256)");
        assertThat(secondGenerate.out()).contains("pe" + MONTH + "-2e (ed25519-sha256), pe" + MONTH + "-2r (rsa-sha256)");
        assertThat(secondGenerate.out()).contains("pe" + MONTH + "-2e._domainkey.example.test.\t3600\tIN\tTXT\t\"v=DKIM1; k=ed25519; p=");
        // The RSA record is longer than one TXT string: split into quoted strings of at most 255 characters.
        String rsaLine = secondGenerate.out().lines().filter(l -> l.startsWith("pe" + MONTH + "-2r._domainkey.")).findFirst()
                .orElseThrow();
        Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(rsaLine);
        List<Integer> lengths = new ArrayList<>();
        while (m.find()) {
            lengths.add(m.group(1).length());
        }
        assertThat(lengths).hasSizeGreaterThan(1).allMatch(n -> n <= 255);
        assertThat(rsaLine).contains("\"v=DKIM1; k=rsa; p=MIIBIjAN");
    }

    @Test
    void listShowsTheActivePairAndTheRetiredOne() {
        Launcher.Result list = postern.run("dkim", "list", DOMAIN);
        ok(list);
        assertThat(list.out().lines().toList()).hasSize(4);
        assertThat(list.out()).contains("pe" + MONTH + "e\ted25519-sha256\tretired\t")
                .contains("pe" + MONTH + "r\trsa-sha256\tretired\t")
                .contains("pe" + MONTH + "-2e\ted25519-sha256\tactive\t")
                .contains("pe" + MONTH + "-2r\trsa-sha256\tactive\t");
        Launcher.Result json = postern.run("dkim", "list", DOMAIN, "--json");
        ok(json);
        assertThat(json.out()).contains("\"selector\":\"pe" + MONTH + "-2e\"").contains("\"state\":\"active\"");
        failsWith(postern.run("dkim", "list", "unhosted.test"), 1, "no such domain");
    }

    @Test
    void dnsPrintsEveryRecordTheDomainNeeds() {
        String out = zone.out();
        assertThat(out).contains("example.test.\t3600\tIN\tMX\t10 " + HOST + ".")
                .contains("example.test.\t3600\tIN\tTXT\t\"v=spf1 mx -all\"")
                .contains("_dmarc.example.test.\t3600\tIN\tTXT\t\"v=DMARC1; p=quarantine; rua=mailto:postmaster@example.test\"")
                .contains("_smtp._tls.example.test.\t3600\tIN\tTXT\t\"v=TLSRPTv1; rua=mailto:postmaster@example.test\"")
                .contains("mta-sts.example.test.\t3600\tIN\tCNAME\t" + HOST + ".");
        assertThat(out).containsPattern("_mta-sts\\.example\\.test\\.\t3600\tIN\tTXT\t\"v=STSv1; id=[0-9a-f]{20}\"");
        Map<String, String> txt = txtRecords(out);
        for (String selector : List.of("pe" + MONTH + "e", "pe" + MONTH + "r", "pe" + MONTH + "-2e", "pe" + MONTH + "-2r")) {
            assertThat(txt).containsKey(selector + "._domainkey.example.test");
        }
        Launcher.Result unsigned = postern.run("dns", NOKEY);
        ok(unsigned);
        assertThat(unsigned.out()).contains("no DKIM key yet").doesNotContain("_domainkey");
        failsWith(postern.run("dns", "unhosted.test"), 1, "no such domain");
    }

    @Test
    void mailSubmittedOn587IsSignedTwiceAndDkimpyVerifiesBothSignaturesFromDns() {
        List<String> out = sendAndVerify("587", ALICE, BOB, "dkim-587@example.test");
        assertBothSignaturesVerify(out);
    }

    @Test
    void mailSubmittedOn465IsSignedTwiceAndDkimpyVerifiesBothSignaturesFromDns() {
        List<String> out = sendAndVerify("465", ALICE, BOB, "dkim-465@example.test");
        assertBothSignaturesVerify(out);
    }

    @Test
    void aLargeMessageSpooledToDiskIsSignedInOnePassAndVerifies() {
        // About 2.4 MB: over the spool's 1 MiB in memory, so the signer reads the encrypted spool file.
        assertBothSignaturesVerify(sendAndVerify("587", ALICE, BOB, "dkim-large@example.test", 1000));
    }

    private static void assertBothSignaturesVerify(List<String> out) {
        for (String copy : List.of("inbox", "sent")) {
            assertThat(out).as(String.join("\n", out)).contains(copy + " signatures 2");
            assertThat(out).contains(copy + " sig 0 a=ed25519-sha256 s=pe" + MONTH + "-2e d=example.test ok");
            assertThat(out).contains(copy + " sig 1 a=rsa-sha256 s=pe" + MONTH + "-2r d=example.test ok");
            // A changed body fails verification.
            assertThat(out).contains(copy + " tampered 0 fail", copy + " tampered 1 fail");
        }
    }

    @Test
    void mailFromADomainWithoutKeysIsDeliveredUnsignedAndStatusSaysSo() {
        List<String> out = sendAndVerify("587", CAROL, BOB, "unsigned@nokey.test");
        assertThat(out).as(String.join("\n", out)).contains("inbox signatures 0", "sent signatures 0");
        assertThat(server.output()).contains("event=dkim.unsigned domain=nokey.test");
        Launcher.Result status = postern.run("dkim", "status");
        assertThat(status.exitCode()).as(status.toString()).isEqualTo(1);
        assertThat(status.out()).contains("example.test\tpe" + MONTH + "-2e,pe" + MONTH + "-2r").contains("nokey.test\tnone");
        assertThat(status.err()).contains("no active DKIM key");
    }

    @Test
    void retireRemovesOnlyRetiredKeys() {
        try (Deployment d = Deployment.open(postern.dataDir())) {
            d.domain("rotate.test");
        }
        ok(postern.run("dkim", "generate", "rotate.test"));
        ok(postern.run("dkim", "generate", "rotate.test"));
        failsWith(postern.run("dkim", "retire", "rotate.test", "pe" + MONTH + "-2e"), 1, "is active");
        Launcher.Result retired = postern.run("dkim", "retire", "rotate.test", "pe" + MONTH + "e");
        ok(retired);
        assertThat(retired.out()).contains("DKIM key pe" + MONTH + "e for rotate.test removed");
        failsWith(postern.run("dkim", "retire", "rotate.test", "pe" + MONTH + "e"), 1, "no DKIM key");
        Launcher.Result list = postern.run("dkim", "list", "rotate.test");
        assertThat(list.out().lines().map(l -> l.split("\t")[0]).toList())
                .containsExactly("pe" + MONTH + "r", "pe" + MONTH + "-2e", "pe" + MONTH + "-2r");
        assertThat(postern.run("dns", "rotate.test").out()).doesNotContain("pe" + MONTH + "e._domainkey");
        failsWith(postern.run("dkim", "generate", "unhosted.test"), 1, "no such domain");
    }

    private static Launcher.Result wellKnown(String host) {
        return ExternalTool.run(Duration.ofSeconds(60), null, List.of("curl", "-sS", "-k", "--max-time", "30",
                "-w", "\n%{http_code} %{content_type}", "-H", "Host: " + host,
                "https://127.0.0.1:" + server.port("http") + "/.well-known/mta-sts.txt"));
    }

    @Test
    void theMtaStsPolicyIsServedForHostedDomainsOnlyAndItsIdIsPublished() {
        Launcher.Result policy = wellKnown("mta-sts.example.test");
        assertThat(policy.exitCode()).as(policy.toString()).isZero();
        assertThat(policy.out()).isEqualTo("version: STSv1\r\nmode: enforce\r\nmx: " + HOST
                + "\r\nmax_age: 604800\r\n\n200 text/plain;charset=utf-8");
        assertThat(wellKnown("MTA-STS.Example.Test:443").out()).endsWith("\n200 text/plain;charset=utf-8");
        for (String other : List.of("mta-sts.unhosted.test", "example.test", "mta-sts.", "mta-sts.bad..name", HOST)) {
            Launcher.Result r = wellKnown(other);
            assertThat(r.out()).as(other).contains("\n404 ").doesNotContain("STSv1");
        }
        // The id published in DNS is the one derived from this very policy.
        String id = txtRecords(zone.out()).get("_mta-sts.example.test");
        assertThat(id).isEqualTo("v=STSv1; id=" + new org.postern.mta.dns.MtaStsPolicy(HOST, Duration.ofDays(7)).id());
    }

    @Test
    void masterKeyRotationResealsTheDkimKeysAndSigningGoesOn() {
        Launcher.Result rotate = postern.run("keys", "rotate");
        ok(rotate);
        Matcher m = Pattern.compile("1 old keys removed, (\\d+) DKIM keys resealed").matcher(rotate.out());
        assertThat(m.find()).as(rotate.toString()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).as("example.test's four keys at least").isGreaterThanOrEqualTo(4);
        // The old master key is gone: signing works only because the keys were resealed.
        assertBothSignaturesVerify(sendAndVerify("587", ALICE, BOB, "after-rotation@example.test"));
    }
}
