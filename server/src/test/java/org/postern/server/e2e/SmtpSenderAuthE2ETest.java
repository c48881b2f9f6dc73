package org.postern.server.e2e;

import org.postern.mta.checks.LoopbackDns;
import org.postern.mta.checks.PythonArc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.CliE2ETest.ok;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postern.server.e2e.Deployment.Mail;
import org.postern.server.e2e.SmtpConnection.Reply;

/**
 * SPF, DKIM, DMARC and ARC as the MX applies them, with the senders' records on a real DNS server
 * (dnsmasq) and signatures made by dkimpy. The client is always 127.0.0.1.
 */
class SmtpSenderAuthE2ETest {
    private static final String ALICE = "alice@example.test";
    private static final String WATCHER = "watcher@watched.test";

    @TempDir
    static Path tmp;

    static Dkimpy.Key rsa;
    static Dkimpy.Key ed25519;
    static PythonArc.Key listArc;
    static LoopbackDns dns;
    static Launcher postern;
    static RunningServer server;

    @BeforeAll
    static void startServer() throws Exception {
        rsa = Dkimpy.rsaKey();
        ed25519 = Dkimpy.ed25519Key();
        listArc = PythonArc.rsaKey();
        dns = LoopbackDns.zone()
                .txt("good.test", "v=spf1 ip4:127.0.0.1 -all")
                .txt("strict.test", "v=spf1 -all")
                .txt("_dmarc.strict.test", "v=DMARC1; p=reject")
                .txt("signed.test", "v=spf1 -all")
                .txt("_dmarc.signed.test", "v=DMARC1; p=reject")
                .txt("rsa._domainkey.signed.test", rsa.publicRecord())
                .txt("ed._domainkey.signed.test", ed25519.publicRecord())
                .txt("shop.test", "v=spf1 -all")
                .txt("_dmarc.shop.test", "v=DMARC1; p=quarantine")
                .txt("arc._domainkey.list.test", listArc.publicRecord())
                .start();
        postern = new Launcher(tmp.resolve("data")).env("POSTERN_DNS_SERVERS", dns.serverSpec())
                .env("POSTERN_DMARC_MONITOR_DOMAINS", "watched.test");
        try (Deployment d = Deployment.open(postern.dataDir())) {
            d.domain("example.test").domain("watched.test").user(ALICE).user(WATCHER);
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

    private static Reply deliver(int port, String mailFrom, String rcpt, byte[] message) throws Exception {
        try (SmtpConnection c = SmtpConnection.ready(port)) {
            return c.send(mailFrom, rcpt, message);
        }
    }

    private static String ourResults(Mail m) {
        return m.headerFields().stream().filter(f -> f.startsWith("Authentication-Results: mx.test.example;"))
                .findFirst().orElseThrow(() -> new AssertionError("no Authentication-Results of ours in " + m.text()));
    }

    @Test
    void anSpfPassIsRecordedAndTheMessageDelivered() throws Exception {
        String id = TestMessages.newMessageId("good.test");
        Reply r = deliver(server.smtpPort(), "bounce@good.test", ALICE,
                TestMessages.message("news@good.test", ALICE, id, "SPF pass", "Hello.\r\n"));
        assertThat(r.code()).as(r.toString()).isEqualTo(250);
        Mail stored = Deployment.find(postern.dataDir(), ALICE, "INBOX", id).orElseThrow();
        assertThat(ourResults(stored)).contains("spf=pass smtp.mailfrom=good.test");
    }

    @Test
    void failingSpfUnderDmarcRejectIsRefusedAtTheEndOfDataAndNothingIsStored() throws Exception {
        String id = TestMessages.newMessageId("strict.test");
        Reply r = deliver(server.smtpPort(), "ceo@strict.test", ALICE,
                TestMessages.message("ceo@strict.test", ALICE, id, "Urgent wire", "Pay now.\r\n"));
        assertThat(r.code()).as(r.toString()).isEqualTo(550);
        assertThat(r.enhanced()).isEqualTo("5.7.1");
        assertThat(Deployment.messages(postern.dataDir(), ALICE, "INBOX")).noneMatch(m -> m.messageId().equals(id));
        assertThat(Deployment.messages(postern.dataDir(), ALICE, "Junk")).noneMatch(m -> m.messageId().equals(id));
    }

    static Stream<Arguments> keys() {
        return Stream.of(Arguments.of("rsa-sha256", "rsa"), Arguments.of("ed25519-sha256", "ed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void aDkimSignatureAlignsDmarcUnderPRejectDespiteFailingSpf(String algorithm, String selector) throws Exception {
        Dkimpy.Key key = selector.equals("rsa") ? rsa : ed25519;
        String id = TestMessages.newMessageId("signed.test");
        byte[] signed = Dkimpy.sign(TestMessages.message("ceo@signed.test", ALICE, id, "Signed " + algorithm,
                "Forwarded through a host SPF does not know.\r\n"), key, selector, "signed.test");
        Reply r = deliver(server.smtpPort(), "bounce@signed.test", ALICE, signed);
        assertThat(r.code()).as(r.toString()).isEqualTo(250);
        Mail stored = Deployment.find(postern.dataDir(), ALICE, "INBOX", id).orElseThrow();
        assertThat(ourResults(stored)).contains("spf=fail smtp.mailfrom=signed.test")
                .contains("dkim=pass header.d=signed.test header.s=" + selector + " header.a=" + algorithm)
                .contains("dmarc=pass");
    }

    @Test
    void failingDmarcUnderPQuarantineIsDeliveredToJunk() throws Exception {
        String id = TestMessages.newMessageId("shop.test");
        Reply r = deliver(server.smtpPort(), "deals@shop.test", ALICE,
                TestMessages.message("deals@shop.test", ALICE, id, "Sale", "Buy now.\r\n"));
        assertThat(r.code()).as(r.toString()).isEqualTo(250);
        Launcher.Result junk = postern.run("mail", "list", ALICE, "--mailbox", "Junk");
        ok(junk);
        assertThat(junk.out().strip().lines()).isNotEmpty();
        Mail stored = Deployment.find(postern.dataDir(), ALICE, "Junk", id).orElseThrow();
        assertThat(ourResults(stored)).contains("dmarc=fail");
        assertThat(Deployment.find(postern.dataDir(), ALICE, "INBOX", id)).isEmpty();
    }

    @Test
    void aMonitoredRecipientDomainGetsFailingMailInItsInbox() throws Exception {
        String id = TestMessages.newMessageId("strict.test");
        Reply r = deliver(server.smtpPort(), "ceo@strict.test", WATCHER,
                TestMessages.message("ceo@strict.test", WATCHER, id, "Watched", "Observe me.\r\n"));
        assertThat(r.code()).as(r.toString()).isEqualTo(250);
        Mail stored = Deployment.find(postern.dataDir(), WATCHER, "INBOX", id).orElseThrow();
        assertThat(ourResults(stored)).contains("spf=fail").contains("dmarc=fail");
    }

    @Test
    void whenDnsIsDownMailIsDeferredAndNeverAccepted() throws Exception {
        Launcher deaf = new Launcher(tmp.resolve("deaf")).env("POSTERN_DNS_SERVERS", LoopbackDns.deadServerSpec());
        try (Deployment d = Deployment.open(deaf.dataDir())) {
            d.domain("example.test").user(ALICE);
        }
        String id = TestMessages.newMessageId("good.test");
        try (RunningServer down = RunningServer.start(deaf, RunningServer.MX_HOSTNAME)) {
            Reply r = deliver(down.smtpPort(), "bounce@good.test", ALICE,
                    TestMessages.message("news@good.test", ALICE, id, "Into the void", "Hello?\r\n"));
            assertThat(r.code()).as(r.toString()).isEqualTo(451);
            assertThat(r.enhanced()).isEqualTo("4.4.3");
        }
        assertThat(Deployment.messages(deaf.dataDir(), ALICE, "INBOX")).isEmpty();
        assertThat(Deployment.messages(deaf.dataDir(), ALICE, "Junk")).isEmpty();
    }

    /** A message as the mailing list list.test received it from good.test, sealed by the list. */
    private static byte[] sealedByTheList(String id, String body) throws Exception {
        byte[] received = TestMessages.message("Authentication-Results: list.test; spf=pass smtp.mailfrom=good.test\r\n",
                "news@good.test", ALICE, id, "Through the list", body);
        return PythonArc.seal(received, listArc, "arc", "list.test", "list.test");
    }

    @Test
    void anArcChainAddedByAMailingListIsVerifiedAndRecorded() throws Exception {
        String id = TestMessages.newMessageId("good.test");
        Reply r = deliver(server.smtpPort(), "bounce@good.test", ALICE, sealedByTheList(id, "From the list.\r\n"));
        assertThat(r.code()).as(r.toString()).isEqualTo(250);
        Mail stored = Deployment.find(postern.dataDir(), ALICE, "INBOX", id).orElseThrow();
        assertThat(ourResults(stored)).contains("spf=pass").contains("arc=pass (i=1 sealed by list.test)");
    }

    @Test
    void anArcChainBrokenInTransitIsRecordedAsFailedButDoesNotDecideDelivery() throws Exception {
        String id = TestMessages.newMessageId("good.test");
        byte[] sealed = sealedByTheList(id, "Original text.\r\n");
        byte[] altered = new String(sealed, java.nio.charset.StandardCharsets.UTF_8)
                .replace("Original text.", "Altered text.").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Reply r = deliver(server.smtpPort(), "bounce@good.test", ALICE, altered);
        assertThat(r.code()).as(r.toString()).isEqualTo(250);
        Mail stored = Deployment.find(postern.dataDir(), ALICE, "INBOX", id).orElseThrow();
        assertThat(ourResults(stored)).contains("spf=pass")
                .contains("arc=fail (i=1 sealed by list.test, ARC-Message-Signature 1 did not verify)");
    }

    @Test
    void mailWithoutArcFieldsGetsNoArcResult() throws Exception {
        String id = TestMessages.newMessageId("good.test");
        Reply r = deliver(server.smtpPort(), "bounce@good.test", ALICE,
                TestMessages.message("news@good.test", ALICE, id, "Plain", "No chain.\r\n"));
        assertThat(r.code()).as(r.toString()).isEqualTo(250);
        Mail stored = Deployment.find(postern.dataDir(), ALICE, "INBOX", id).orElseThrow();
        assertThat(ourResults(stored)).contains("spf=pass").doesNotContainPattern("\\barc=");
    }
}
