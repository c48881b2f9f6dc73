package org.postern.server.e2e;

import org.postern.mta.checks.LoopbackDns;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Time limits close idle and overlong sessions, and a recipient check that cannot finish is never a yes. */
class SmtpFailClosedE2ETest {
    private static final String ALICE = "alice@example.test";

    @TempDir
    static Path tmp;

    static LoopbackDns dns;
    static Launcher postern;
    static RunningServer server;

    @BeforeAll
    static void startServer() throws Exception {
        dns = LoopbackDns.zone().txt("sender.test", "v=spf1 ip4:127.0.0.1 -all").start();
        postern = new Launcher(tmp.resolve("data")).env("POSTERN_DNS_SERVERS", dns.serverSpec())
                .env("POSTERN_SMTP_IDLE_TIMEOUT", "2s")
                .env("POSTERN_SMTP_MAX_SESSION_TIME", "4s")
                .env("POSTERN_SMTP_RECIPIENT_CHECK_TIMEOUT", "500ms");
        try (Deployment d = Deployment.open(postern.dataDir())) {
            d.domain("example.test").user(ALICE);
        }
        server = RunningServer.start(postern, RunningServer.MX_HOSTNAME);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void aSilentClientIsToldAndDisconnectedAfterTheIdleTimeout() throws Exception {
        try (SmtpConnection smtp = SmtpConnection.open(server.smtpPort())) {
            smtp.expect(220);
            // Say nothing: the next thing the server says is the timeout.
            SmtpConnection.Reply reply = smtp.reply();
            assertThat(reply.code()).isEqualTo(421);
            assertThat(reply.enhanced()).isEqualTo("4.4.2");
            assertThat(smtp.closedByServer()).isTrue();
        }
    }

    @Test
    void aSessionThatKeepsTalkingIsClosedAtTheSessionTimeLimit() throws Exception {
        try (SmtpConnection smtp = SmtpConnection.ready(server.smtpPort(), "127.0.0.21")) {
            AtomicReference<SmtpConnection.Reply> last = new AtomicReference<>();
            Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).until(() -> {
                last.set(smtp.command("NOOP"));
                return last.get().code() != 250;
            });
            assertThat(last.get().code()).isEqualTo(421);
            assertThat(last.get().text()).contains("Session too long");
            assertThat(smtp.closedByServer()).isTrue();
        }
    }

    @Test
    void aRecipientCheckThatCannotFinishAnswers451AndNever250() throws Exception {
        String url = "jdbc:sqlite:" + postern.dataDir().resolve("postern.db");
        try (Connection lock = DriverManager.getConnection(url); Statement st = lock.createStatement()) {
            // Another writer holds the database: the lookup waits, and must not be answered with a yes.
            st.execute("BEGIN IMMEDIATE");
            try (SmtpConnection smtp = SmtpConnection.ready(server.smtpPort(), "127.0.0.22")) {
                smtp.command("MAIL FROM:<someone@sender.test>").require(250);
                SmtpConnection.Reply reply = smtp.command("RCPT TO:<" + ALICE + ">");
                assertThat(reply.code()).isEqualTo(451);
                assertThat(reply.enhanced()).isEqualTo("4.3.0");
                st.execute("ROLLBACK");
                assertThat(smtp.command("RCPT TO:<" + ALICE + ">").code()).isEqualTo(250);
            }
        }
    }
}
