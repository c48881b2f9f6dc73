package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.mta.checks.LoopbackDns;

/**
 * {@code mail_quota_bytes} on delivery, on a real {@code ./postern serve}: an account filled to
 * its quota with imaplib's APPEND is refused at RCPT TO with 452 4.2.2 by smtplib on the MX port
 * and on submission (local delivery), while other recipients of the same transaction are not.
 */
class DeliveryQuotaE2ETest {
    private static final String DOMAIN = "example.test";
    private static final String FULL = "full@example.test";
    private static final String ROOMY = "roomy@example.test";
    private static final String PASSWORD = "correct horse battery staple";
    private static final int QUOTA = 1024 * 1024; // the smallest quota the configuration allows

    @TempDir
    static Path tmp;

    static LoopbackDns dns;
    static Launcher postern;
    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        dns = LoopbackDns.zone().txt("sender.test", "v=spf1 ip4:127.0.0.1 -all").start();
        postern = new Launcher(tmp.resolve("data")).env("POSTERN_DNS_SERVERS", dns.serverSpec())
                .env("POSTERN_MAIL_QUOTA_BYTES", "1MiB");
        try (Deployment d = Deployment.open(postern.dataDir())) {
            d.domain(DOMAIN).user(FULL).user(ROOMY);
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

    /** APPENDs one message of exactly argv[4] bytes; prints the QUOTA line. */
    private static final String FILL = """
            import imaplib, ssl, sys
            port, user, pw, size = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            c = imaplib.IMAP4_SSL('127.0.0.1', port, ssl_context=ctx)
            c.login(user, pw)
            head = b'From: full@example.test\\r\\nSubject: filler\\r\\n\\r\\n'
            raw = head + b'x' * (size - len(head) - 2) + b'\\r\\n'
            assert len(raw) == size
            typ, data = c.append('INBOX', None, None, raw)
            assert typ == 'OK', data
            typ, data = c.getquotaroot('INBOX')
            print(data)
            typ, data = c.append('INBOX', None, None, b'Subject: one more\\r\\n\\r\\nx\\r\\n')
            assert typ == 'NO' and b'OVERQUOTA' in data[0], (typ, data)
            c.logout()
            print('filled')
            """;

    /**
     * One transaction to argv[2..]: prints each RCPT's reply as "rcpt CODE TEXT"; sends DATA if
     * any was accepted. argv[1] is the MX port, or "sub:PORT:USER:PASSWORD" for submission.
     */
    private static final String RCPTS = """
            import smtplib, ssl, sys
            where, rcpts = sys.argv[1], sys.argv[2:]
            if where.startswith('sub:'):
                _, port, user, pw = where.split(':', 3)
                s = smtplib.SMTP('127.0.0.1', int(port), local_hostname='laptop.example.test')
                ctx = ssl.create_default_context()
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
                s.starttls(context=ctx)
                s.login(user, pw)
                sender = user
            else:
                s = smtplib.SMTP('127.0.0.1', int(where), local_hostname='mx.sender.test')
                sender = 'news@sender.test'
            s.ehlo_or_helo_if_needed()
            code, msg = s.mail(sender)
            assert code == 250, (code, msg)
            ok = 0
            for r in rcpts:
                code, msg = s.rcpt(r)
                print('rcpt', code, msg.decode())
                ok += code == 250
            if ok:
                body = ('From: ' + sender + '\\r\\nTo: ' + rcpts[0] + '\\r\\nSubject: q\\r\\n'
                        'Message-ID: <q' + str(ok) + '@sender.test>\\r\\nDate: Mon, 1 Jan 2024 00:00:00 +0000\\r\\n\\r\\nhi\\r\\n')
                code, msg = s.data(body)
                print('data', code)
            s.quit()
            """;

    @Test
    void anAccountAtItsQuotaIsRefusedAtRcptWith452AndOthersStillReceive() throws Exception {
        // An empty account filled to exactly its quota by one APPEND (the IMAP side allows that much).
        Launcher.Result fill = python(FILL, Integer.toString(server.port("imaps")), FULL, PASSWORD,
                Integer.toString(QUOTA));
        assertThat(fill.exitCode()).as(fill + "\n" + server.output()).isZero();
        assertThat(fill.out()).contains("(STORAGE 1024 1024)").contains("filled");

        Launcher.Result mx = python(RCPTS, Integer.toString(server.smtpPort()), FULL, ROOMY);
        assertThat(mx.exitCode()).as(mx + "\n" + server.output()).isZero();
        assertThat(mx.out()).contains("rcpt 452 4.2.2 Mailbox full").contains("rcpt 250").contains("data 250");

        Launcher.Result sub = python(RCPTS, "sub:" + server.port("submission") + ":" + ROOMY + ":" + PASSWORD, FULL);
        assertThat(sub.exitCode()).as(sub + "\n" + server.output()).isZero();
        assertThat(sub.out()).contains("rcpt 452 4.2.2 Mailbox full").doesNotContain("data ");

        assertThat(Deployment.messages(postern.dataDir(), FULL, "INBOX")).hasSize(1);
        assertThat(Deployment.messages(postern.dataDir(), ROOMY, "INBOX")).hasSize(1);
    }
}
