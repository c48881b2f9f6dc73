package org.postern.mta.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.mta.checks.DmarcResult.Policy;
import org.postern.mta.checks.DmarcResult.Status;
import org.postern.model.DomainName;

/** DMARC over policy records served by a real DNS server; SPF and DKIM results given. */
class DmarcEvaluatorTest {
    private static LoopbackDns dns;
    private static DmarcEvaluator dmarc;

    @BeforeAll
    static void start() throws Exception {
        dns = LoopbackDns.zone()
                .txt("_dmarc.reject.test", "v=DMARC1; p=reject; rua=mailto:dmarc@reject.test")
                .txt("_dmarc.quarantine.test", "v=DMARC1; p=quarantine")
                .txt("_dmarc.monitor.test", "v=DMARC1; p=none")
                .txt("_dmarc.parent.test", "v=DMARC1; p=none; sp=reject")
                .txt("_dmarc.strict.test", "v=DMARC1; p=reject; adkim=s; aspf=s")
                .txt("_dmarc.sampled.test", "v=DMARC1; p=reject; pct=0")
                .txt("_dmarc.invalid.test", "v=DMARC1; p=bogus")
                .txt("_dmarc.ruaonly.test", "v=DMARC1; p=bogus; rua=mailto:d@ruaonly.test")
                .txt("_dmarc.multi.test", "v=DMARC1; p=reject")
                .txt("_dmarc.multi.test", "v=DMARC1; p=none")
                .txt("_dmarc.other.test", "something else")
                .down("down.test")
                .start();
        dmarc = new DmarcEvaluator(dns.resolver(), PublicSuffixList.bundled(), new Random(7));
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private static DomainName d(String name) {
        return DomainName.parse(name);
    }

    private static SpfResult spf(SpfResult.Status status, String domain) {
        return new SpfResult(status, SpfResult.Identity.MAILFROM, Optional.of(d(domain)), "");
    }

    private static DkimResult dkim(DkimResult.Status status, String domain) {
        return new DkimResult(status, Optional.of(d(domain)), "sel", "abcdefgh", "rsa-sha256", false, "");
    }

    private static final SpfResult SPF_ELSEWHERE = spf(SpfResult.Status.PASS, "bulk-sender.test");

    @Test
    void passesThroughRelaxedSpfAlignmentAlone() {
        DmarcResult r = dmarc.evaluate(d("reject.test"), spf(SpfResult.Status.PASS, "bounces.reject.test"), List.of());
        assertThat(r.status()).isEqualTo(Status.PASS);
        assertThat(r.spfAligned()).isTrue();
        assertThat(r.dkimAligned()).isFalse();
        assertThat(r.disposition()).isEqualTo(Policy.NONE);
        assertThat(r.policy()).isEqualTo(Policy.REJECT);
    }

    @Test
    void passesThroughRelaxedDkimAlignmentAlone() {
        DmarcResult r = dmarc.evaluate(d("reject.test"), spf(SpfResult.Status.FAIL, "reject.test"),
                List.of(dkim(DkimResult.Status.FAIL, "reject.test"), dkim(DkimResult.Status.PASS, "mail.reject.test")));
        assertThat(r.status()).isEqualTo(Status.PASS);
        assertThat(r.dkimAligned()).isTrue();
        assertThat(r.spfAligned()).isFalse();
    }

    @Test
    void failsWithRejectWhenOnlyUnalignedIdentifiersPass() {
        DmarcResult r = dmarc.evaluate(d("reject.test"), SPF_ELSEWHERE,
                List.of(dkim(DkimResult.Status.PASS, "bulk-sender.test")));
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(r.disposition()).isEqualTo(Policy.REJECT);
        assertThat(r.policyDomain()).contains(d("reject.test"));
    }

    @Test
    void quarantineAndNonePoliciesGiveTheirDispositions() {
        assertThat(dmarc.evaluate(d("quarantine.test"), SPF_ELSEWHERE, List.of()).disposition())
                .isEqualTo(Policy.QUARANTINE);
        DmarcResult none = dmarc.evaluate(d("monitor.test"), SPF_ELSEWHERE, List.of());
        assertThat(none.status()).isEqualTo(Status.FAIL);
        assertThat(none.disposition()).isEqualTo(Policy.NONE);
    }

    @Test
    void subdomainsFallBackToTheOrganizationalRecordAndItsSubdomainPolicy() {
        DmarcResult sub = dmarc.evaluate(d("news.parent.test"), SPF_ELSEWHERE, List.of());
        assertThat(sub.status()).isEqualTo(Status.FAIL);
        assertThat(sub.policyDomain()).contains(d("parent.test"));
        assertThat(sub.policy()).isEqualTo(Policy.REJECT);
        assertThat(sub.disposition()).isEqualTo(Policy.REJECT);
        DmarcResult top = dmarc.evaluate(d("parent.test"), SPF_ELSEWHERE, List.of());
        assertThat(top.disposition()).isEqualTo(Policy.NONE);
        // Without sp=, subdomains get p=.
        assertThat(dmarc.evaluate(d("a.quarantine.test"), SPF_ELSEWHERE, List.of()).disposition())
                .isEqualTo(Policy.QUARANTINE);
    }

    @Test
    void noRecordAnywhereIsNone() {
        DmarcResult r = dmarc.evaluate(d("mail.nodmarc.test"), SPF_ELSEWHERE, List.of());
        assertThat(r.status()).isEqualTo(Status.NONE);
        assertThat(r.disposition()).isEqualTo(Policy.NONE);
        assertThat(dmarc.evaluate(d("other.test"), SPF_ELSEWHERE, List.of()).status()).isEqualTo(Status.NONE);
    }

    @Test
    void strictAlignmentNeedsTheExactDomain() {
        assertThat(dmarc.evaluate(d("strict.test"), spf(SpfResult.Status.PASS, "bounce.strict.test"),
                List.of(dkim(DkimResult.Status.PASS, "mail.strict.test"))).status()).isEqualTo(Status.FAIL);
        assertThat(dmarc.evaluate(d("strict.test"), spf(SpfResult.Status.PASS, "strict.test"), List.of()).status())
                .isEqualTo(Status.PASS);
    }

    @Test
    void messagesOutsideThePercentageGetTheNextWeakerDisposition() {
        DmarcResult r = dmarc.evaluate(d("sampled.test"), SPF_ELSEWHERE, List.of());
        assertThat(r.policy()).isEqualTo(Policy.REJECT);
        assertThat(r.disposition()).isEqualTo(Policy.QUARANTINE);
    }

    @Test
    void anInvalidRecordIsAPermerrorWithoutDisposition() {
        DmarcResult r = dmarc.evaluate(d("invalid.test"), SPF_ELSEWHERE, List.of());
        assertThat(r.status()).isEqualTo(Status.PERMERROR);
        assertThat(r.disposition()).isEqualTo(Policy.NONE);
        DmarcResult rua = dmarc.evaluate(d("ruaonly.test"), SPF_ELSEWHERE, List.of());
        assertThat(rua.status()).isEqualTo(Status.FAIL);
        assertThat(rua.policy()).isEqualTo(Policy.NONE);
    }

    @Test
    void severalRecordsMeanNoPolicy() {
        assertThat(dmarc.evaluate(d("multi.test"), SPF_ELSEWHERE, List.of()).status()).isEqualTo(Status.NONE);
    }

    @Test
    void aDnsFailureIsATemperror() {
        assertThat(dmarc.evaluate(d("x.down.test"), SPF_ELSEWHERE, List.of()).status()).isEqualTo(Status.TEMPERROR);
    }

    @Test
    void anAlignedTemperrorIsNotTurnedIntoARejection() {
        DmarcResult r = dmarc.evaluate(d("reject.test"), spf(SpfResult.Status.TEMPERROR, "reject.test"), List.of());
        assertThat(r.status()).isEqualTo(Status.TEMPERROR);
        assertThat(r.disposition()).isEqualTo(Policy.NONE);
        DmarcResult k = dmarc.evaluate(d("reject.test"), SPF_ELSEWHERE, List.of(dkim(DkimResult.Status.TEMPERROR, "reject.test")));
        assertThat(k.status()).isEqualTo(Status.TEMPERROR);
    }

    @Test
    void aPartiallySignedBodyDoesNotAuthenticate() {
        DmarcResult r = dmarc.evaluate(d("reject.test"), SPF_ELSEWHERE, List.of(dkim(DkimResult.Status.POLICY, "reject.test")));
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(r.disposition()).isEqualTo(Policy.REJECT);
    }

    private static DmarcResult withFrom(String fromLines) {
        byte[] headers = TestMessages.bytes(fromLines + "Subject: x\r\n");
        return dmarc.evaluate(headers, SPF_ELSEWHERE, List.of());
    }

    @Test
    void theFromDomainIsTakenFromTheOneFromAddress() {
        DmarcResult r = withFrom("From: \"Alice, CFO\" (the boss) <alice@Reject.TEST>\r\n");
        assertThat(r.fromDomain()).contains(d("reject.test"));
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(withFrom("From: John Q. Public <jqp@reject.test>\r\n").fromDomain()).contains(d("reject.test"));
        assertThat(withFrom("FROM:\r\n alice@reject.test\r\n").fromDomain()).contains(d("reject.test"));
    }

    @Test
    void fromHeadersThatAreNotExactlyOneAddressAreRejected() {
        for (String bad : List.of(
                "",
                "From: a@reject.test\r\nFrom: b@other.test\r\n",
                "From: a@other.test, b@reject.test\r\n",
                "From: team: a@other.test;\r\n",
                "From: undisclosed-recipients:;\r\n",
                "From: not an address\r\n",
                "From: alice@localhost\r\n")) {
            DmarcResult r = withFrom(bad);
            assertThat(r.status()).as(bad).isEqualTo(Status.PERMERROR);
            assertThat(r.disposition()).as(bad).isEqualTo(Policy.REJECT);
            assertThat(r.fromDomain()).as(bad).isEmpty();
        }
    }
}
