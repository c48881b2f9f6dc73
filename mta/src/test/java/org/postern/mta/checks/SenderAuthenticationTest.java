package org.postern.mta.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.mta.checks.TestMessages.bytes;
import static org.postern.mta.checks.TestMessages.text;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.mta.checks.SenderAuthentication.Mode;
import org.postern.mta.checks.SenderVerdict.Action;
import org.postern.model.DomainName;

/** The facade end to end: dkimpy-signed messages, records on a real DNS server. */
class SenderAuthenticationTest {
    private static final InetAddress GOOD_IP = InetAddress.ofLiteral("192.0.2.10");
    private static final InetAddress BAD_IP = InetAddress.ofLiteral("203.0.113.9");
    private static final DomainName WATCHED = DomainName.parse("watched.postern.test");
    private static final DomainName STRICT = DomainName.parse("postern.test");
    private static PythonDkim.Key rsa;
    private static LoopbackDns dns;
    private static SenderAuthentication auth;

    @BeforeAll
    static void start() throws Exception {
        rsa = PythonDkim.rsaKey();
        dns = LoopbackDns.zone()
                .txt("example.test", "v=spf1 ip4:192.0.2.10 -all")
                .txt("rsa._domainkey.example.test", rsa.publicRecord())
                .txt("_dmarc.example.test", "v=DMARC1; p=reject")
                .txt("shop.test", "v=spf1 ip4:192.0.2.10 -all")
                .txt("_dmarc.shop.test", "v=DMARC1; p=quarantine")
                .txt("evil.test", "v=spf1 +all")
                .down("down.test")
                .start();
        auth = create(dns.resolver());
    }

    private static SenderAuthentication create(DnsResolver resolver) {
        SenderAuthentication.Settings settings = SenderAuthentication.Settings.enforcing("mx.postern.test")
                .withRecipientDomainModes(Map.of(WATCHED, Mode.MONITOR));
        return new SenderAuthentication(settings, resolver, PublicSuffixList.bundled(), Clock.systemUTC(), new Random(1));
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private static byte[] fromAlice() {
        return TestMessages.simple();
    }

    @Test
    void anAuthenticMessageIsDeliveredWithItsResults() throws Exception {
        byte[] signed = PythonDkim.sign(fromAlice(), rsa, "rsa", "example.test");
        SenderVerdict v = auth.check(GOOD_IP, "mail.example.test", "bounce@example.test", List.of(STRICT),
                MessageSource.of(signed));
        assertThat(v.action()).isEqualTo(Action.DELIVER);
        assertThat(v.smtpReply()).isEmpty();
        assertThat(v.spf().status()).isEqualTo(SpfResult.Status.PASS);
        assertThat(v.dkim()).singleElement().extracting(DkimResult::status).isEqualTo(DkimResult.Status.PASS);
        assertThat(v.dmarc().status()).isEqualTo(DmarcResult.Status.PASS);
        assertThat(v.authenticationResults())
                .startsWith("mx.postern.test;")
                .contains("spf=pass smtp.mailfrom=example.test")
                .contains("dkim=pass header.d=example.test header.s=rsa header.a=rsa-sha256 header.b=\"")
                .contains("dmarc=pass (p=reject dis=none) header.from=example.test");
    }

    @Test
    void dkimAlonePassesDmarcForAForwardedMessage() throws Exception {
        byte[] signed = PythonDkim.sign(fromAlice(), rsa, "rsa", "example.test");
        SenderVerdict v = auth.check(BAD_IP, "forwarder.test", "fwd@forwarder.test", MessageSource.of(signed));
        assertThat(v.spf().status()).isEqualTo(SpfResult.Status.NONE);
        assertThat(v.dmarc().status()).isEqualTo(DmarcResult.Status.PASS);
        assertThat(v.dmarc().dkimAligned()).isTrue();
        assertThat(v.action()).isEqualTo(Action.DELIVER);
    }

    @Test
    void aSpoofedFromUnderPRejectIsRejected() {
        SenderVerdict v = auth.check(BAD_IP, "evil.test", "x@evil.test", List.of(STRICT), MessageSource.of(fromAlice()));
        assertThat(v.spf().status()).isEqualTo(SpfResult.Status.PASS); // evil.test's own SPF passes...
        assertThat(v.dkim()).isEmpty();
        assertThat(v.dmarc().status()).isEqualTo(DmarcResult.Status.FAIL); // ...but it is not aligned
        assertThat(v.action()).isEqualTo(Action.REJECT);
        assertThat(v.smtpReply()).startsWith("550 5.7.1 ");
        assertThat(v.authenticationResults()).contains("dkim=none").contains("dmarc=fail (p=reject dis=reject");
    }

    @Test
    void pQuarantineSendsTheMessageToJunk() {
        byte[] msg = TestMessages.message("Shop <news@shop.test>", "Sale", "Buy now\r\n");
        SenderVerdict v = auth.check(BAD_IP, "evil.test", "x@evil.test", MessageSource.of(msg));
        assertThat(v.action()).isEqualTo(Action.JUNK);
        assertThat(v.smtpReply()).isEmpty();
    }

    @Test
    void aMonitoredRecipientDomainAlwaysGetsDelivery() {
        SenderVerdict v = auth.check(BAD_IP, "evil.test", "x@evil.test", List.of(WATCHED, STRICT),
                MessageSource.of(fromAlice()));
        assertThat(v.dmarc().disposition()).isEqualTo(DmarcResult.Policy.REJECT);
        assertThat(v.mode()).isEqualTo(Mode.MONITOR);
        assertThat(v.action()).isEqualTo(Action.DELIVER);
        assertThat(v.authenticationResults()).contains("dmarc=fail");
    }

    @Test
    void aTamperedMessageUnderPRejectIsRejected() throws Exception {
        byte[] signed = PythonDkim.sign(fromAlice(), rsa, "rsa", "example.test");
        byte[] tampered = bytes(text(signed).replace("numbers.", "numbers: pay to IBAN X."));
        SenderVerdict v = auth.check(BAD_IP, "relay.test", "", MessageSource.of(tampered));
        assertThat(v.dkim().get(0).status()).isEqualTo(DkimResult.Status.FAIL);
        assertThat(v.action()).isEqualTo(Action.REJECT);
    }

    @Test
    void severalFromAddressesAreRejectedWhateverThePolicy() {
        byte[] msg = TestMessages.message("a@shop.test, b@nodmarc.test", "Hi", "x\r\n");
        SenderVerdict v = auth.check(GOOD_IP, "mail.shop.test", "a@shop.test", MessageSource.of(msg));
        assertThat(v.dmarc().status()).isEqualTo(DmarcResult.Status.PERMERROR);
        assertThat(v.action()).isEqualTo(Action.REJECT);
        assertThat(v.smtpReply()).isEqualTo(SenderAuthentication.REPLY_FROM_INVALID);
    }

    @Test
    void aDeadDnsServerDefersTheMessage() {
        SenderVerdict v = create(LoopbackDns.deadResolver())
                .check(GOOD_IP, "mail.example.test", "bounce@example.test", MessageSource.of(fromAlice()));
        assertThat(v.spf().status()).isEqualTo(SpfResult.Status.TEMPERROR);
        assertThat(v.dmarc().status()).isEqualTo(DmarcResult.Status.TEMPERROR);
        assertThat(v.action()).isEqualTo(Action.DEFER);
        assertThat(v.smtpReply()).startsWith("451 4.4.3 ");
    }

    @Test
    void anUnreadableMessageDefersInsteadOfPassing() {
        SenderVerdict v = auth.check(GOOD_IP, "mail.example.test", "bounce@example.test", () -> {
            throw new IOException("decryption failed");
        });
        assertThat(v.dkim()).singleElement().extracting(DkimResult::status).isEqualTo(DkimResult.Status.TEMPERROR);
        assertThat(v.action()).isEqualTo(Action.DEFER);
    }

    @Test
    void theMessageIsOpenedExactlyOnce() throws Exception {
        byte[] signed = PythonDkim.sign(fromAlice(), rsa, "rsa", "example.test");
        int[] opens = {0};
        auth.check(GOOD_IP, "mail.example.test", "bounce@example.test", () -> {
            opens[0]++;
            return new java.io.ByteArrayInputStream(signed);
        });
        assertThat(opens[0]).isEqualTo(1);
    }

    @Test
    void ourOwnAuthservIdIsFilteredFromIncomingHeaders() {
        String block = "Authentication-Results: mx.postern.test; dmarc=pass\r\nSubject: x\r\n";
        assertThat(auth.forgedHeaderFilter().find(bytes(block))).hasSize(1);
    }
}
