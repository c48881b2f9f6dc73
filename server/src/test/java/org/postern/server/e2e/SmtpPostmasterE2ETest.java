package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.CliE2ETest.ok;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.model.Role;
import org.postern.mta.checks.LoopbackDns;

/**
 * RFC 5321 §4.1.1.3 and §4.5.1 on the MX of a real {@code ./postern serve}: {@code <Postmaster>}
 * and {@code postmaster@} every hosted domain are accepted and land with an administrator, unless
 * postmaster@ is a user's own address; a revoked one stays refused, and other domains stay no relay.
 */
class SmtpPostmasterE2ETest {
    private static final String SENDER = "news@sender.test";
    private static final String ROOT = "root@example.test";
    private static final String ZED = "zed@example.test";
    private static final String ANNA = "anna@acme.test";
    private static final String ZOE = "zoe@acme.test";
    private static final String CAROL = "carol@own.test";

    @TempDir
    static Path tmp;

    static LoopbackDns dns;
    static Launcher postern;
    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        dns = LoopbackDns.zone().txt("sender.test", "v=spf1 ip4:127.0.0.1 -all").start();
        postern = new Launcher(tmp.resolve("data")).env("POSTERN_DNS_SERVERS", dns.serverSpec());
        try (Deployment d = Deployment.open(postern.dataDir())) {
            // Server admins in the default tenant; tenant admins in acme; carol owns postmaster@own.test.
            d.domain("example.test").user(ZED, Role.SERVER_ADMIN).user(ROOT, Role.SERVER_ADMIN)
                    .domain("own.test").user(CAROL).address(CAROL, "postmaster@own.test")
                    .domain("revoked.test").user("dave@revoked.test").address("dave@revoked.test", "postmaster@revoked.test")
                    .revoke("postmaster@revoked.test")
                    .tenantDomain("acme", "acme.test").user(ZOE, Role.TENANT_ADMIN).user(ANNA, Role.TENANT_ADMIN)
                    .user("aaron@acme.test");
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

    private static String deliver(String rcpt, String subject) throws IOException {
        String id = TestMessages.newMessageId("sender.test");
        try (SmtpConnection c = SmtpConnection.ready(server.smtpPort())) {
            assertThat(c.send(SENDER, rcpt, TestMessages.message(SENDER, rcpt, id, subject, "Hello postmaster.\r\n"))
                    .code()).isEqualTo(250);
            c.command("QUIT").require(221);
        }
        return id;
    }

    private static List<String> listed(String login) {
        Launcher.Result list = postern.run("mail", "list", login);
        ok(list);
        return list.out().strip().lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void theBarePostmasterInAnyCaseLandsWithTheFirstServerAdminByLogin() throws Exception {
        String id = deliver("Postmaster", "bare");
        String upper = deliver("POSTMASTER", "bare upper");
        assertThat(Deployment.find(postern.dataDir(), ROOT, "INBOX", id)).isPresent();
        assertThat(Deployment.find(postern.dataDir(), ROOT, "INBOX", upper)).isPresent();
        assertThat(Deployment.find(postern.dataDir(), ZED, "INBOX", id)).isEmpty();
        assertThat(listed(ROOT)).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void postmasterOfATenantsDomainLandsWithItsFirstTenantAdmin() throws Exception {
        int before = listed(ANNA).size();
        String id = deliver("PostMaster@acme.test", "acme");
        assertThat(listed(ANNA)).hasSize(before + 1);
        assertThat(Deployment.find(postern.dataDir(), ANNA, "INBOX", id)).isPresent();
        assertThat(listed(ZOE)).isEmpty();
        assertThat(Deployment.find(postern.dataDir(), ROOT, "INBOX", id)).isEmpty();
    }

    @Test
    void postmasterOfADomainWithoutTenantAdminLandsWithAServerAdmin() throws Exception {
        String id = deliver("postmaster@example.test", "default tenant");
        assertThat(Deployment.find(postern.dataDir(), ROOT, "INBOX", id)).isPresent();
    }

    @Test
    void aUsersOwnPostmasterAddressStaysTheirs() throws Exception {
        String id = deliver("postmaster@own.test", "own");
        assertThat(listed(CAROL)).hasSize(1);
        assertThat(Deployment.find(postern.dataDir(), CAROL, "INBOX", id)).isPresent();
        assertThat(Deployment.find(postern.dataDir(), ROOT, "INBOX", id)).isEmpty();
    }

    @Test
    void aRevokedPostmasterAddressAndOtherDomainsAreStillRefused() throws Exception {
        try (SmtpConnection c = SmtpConnection.ready(server.smtpPort())) {
            c.command("MAIL FROM:<" + SENDER + ">").require(250);
            assertThat(c.command("RCPT TO:<postmaster@revoked.test>").code()).isEqualTo(550);
            assertThat(c.command("RCPT TO:<postmaster@elsewhere.test>").code()).isEqualTo(554);
            assertThat(c.command("RCPT TO:<hostmaster@acme.test>").code()).isEqualTo(550);
            assertThat(c.command("RCPT TO:<@relay.test:Postmaster>").code()).isEqualTo(501);
            c.command("QUIT").require(221);
        }
    }
}
