package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.CliE2ETest.ok;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time in the outbound queue, driven by short configured durations (no clock tricks): a
 * destination that never answers gets one delay notice after {@code outbound_delay_notice_after},
 * then, after {@code outbound_max_queue_time}, a failure DSN with status 4.4.7, and the message
 * leaves the queue. Both notices are parsed by Python's email module.
 */
class OutboundExpiryE2ETest {
    private static final String ALICE = "alice@example.test";
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    static Path tmp;

    static Launcher postern;
    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        int nobody;
        try (ServerSocket s = new ServerSocket(0)) {
            nobody = s.getLocalPort();
        }
        postern = new Launcher(tmp.resolve("data"))
                .env("POSTERN_OUTBOUND_TRANSPORT", "gone.test=127.0.0.1:" + nobody)
                .env("POSTERN_OUTBOUND_RETRY_BASE", "1s")
                .env("POSTERN_OUTBOUND_RETRY_MAX", "1s")
                .env("POSTERN_OUTBOUND_DELAY_NOTICE_AFTER", "3s")
                .env("POSTERN_OUTBOUND_MAX_QUEUE_TIME", "12s");
        try (Deployment d = Deployment.open(postern.dataDir())) {
            d.domain("example.test").user(ALICE);
        }
        server = RunningServer.start(postern, "mail.example.test");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static final String SEND = """
            import smtplib, ssl, sys
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='laptop.example.test')
            s.starttls(context=ctx)
            s.login(sys.argv[2], sys.argv[3])
            s.sendmail(sys.argv[2], ['nobody@gone.test'], b'From: ' + sys.argv[2].encode()
                       + b'\\r\\nTo: nobody@gone.test\\r\\nSubject: into the void\\r\\n\\r\\nhello\\r\\n')
            s.quit()
            print('sent')
            """;

    private static final String PARSE = """
            import email, sys
            m = email.message_from_bytes(sys.stdin.buffer.read())
            assert m.get_content_type() == 'multipart/report', m.get_content_type()
            human, status, headers = m.get_payload()
            r = status.get_payload()[1]
            print('subject', m['Subject'])
            for f in ('Final-Recipient', 'Action', 'Status', 'Diagnostic-Code', 'Will-Retry-Until'):
                print(f, '=', r[f])
            print('original-subject', 'Subject: into the void' in headers.get_payload())
            """;

    private static String parse(byte[] raw) {
        Launcher.Result r = ExternalTool.run(Duration.ofSeconds(30), raw, List.of(ExternalTool.PYTHON, "-c", PARSE));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r.out();
    }

    private static List<Deployment.Mail> inbox(String needle) {
        return Deployment.messages(postern.dataDir(), ALICE, "INBOX").stream()
                .filter(m -> new String(m.raw(), StandardCharsets.UTF_8).contains(needle)).toList();
    }

    @Test
    void anUnreachableDestinationGetsOneDelayNoticeThenExpiresWithAFailureNotice() {
        Launcher.Result sent = ExternalTool.run(Duration.ofSeconds(60), null, List.of(ExternalTool.PYTHON, "-c", SEND,
                Integer.toString(server.port("submission")), ALICE, PASSWORD));
        assertThat(sent.out()).as(sent.toString()).contains("sent");

        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(inbox("Subject: Undelivered Mail Returned to Sender")).hasSize(1));
        List<Deployment.Mail> delayed = inbox("Subject: Delayed Mail (still being retried)");
        // Retried every second for 12 s, but the sender is told about the delay once.
        assertThat(delayed).hasSize(1);
        assertThat(parse(delayed.getFirst().raw())).contains("Final-Recipient = rfc822; nobody@gone.test")
                .contains("Action = delayed").contains("Status = 4.4.1").contains("Will-Retry-Until = ")
                .contains("original-subject True");
        String failed = parse(inbox("Subject: Undelivered Mail Returned to Sender").getFirst().raw());
        assertThat(failed).contains("Final-Recipient = rfc822; nobody@gone.test").contains("Action = failed")
                .contains("Status = 4.4.7").contains("delivery time expired").contains("original-subject True");
        Launcher.Result queue = postern.run("queue", "list");
        ok(queue);
        assertThat(queue.out()).doesNotContain("gone.test");
    }
}
