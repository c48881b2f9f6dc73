package org.postern.mta.dnscheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.model.DomainName;
import org.postern.mta.checks.LoopbackDns;
import org.postern.mta.dns.DnsRecord;
import org.postern.mta.dns.DomainRecords;
import org.postern.mta.dns.MtaStsPolicy;
import org.postern.mta.dnscheck.PublishedRecords.Result;
import org.postern.mta.dnscheck.PublishedRecords.Status;

/** The records of DomainRecords checked against a real DNS server (dnsmasq) holding some of them. */
class PublishedRecordsTest {
    private static final String HOST = "mail.host.test";
    private static LoopbackDns dns;

    @BeforeAll
    static void start() throws Exception {
        MtaStsPolicy policy = MtaStsPolicy.forHost(HOST);
        dns = LoopbackDns.zone()
                .a(HOST, "192.0.2.1")
                // good.test: everything published, DMARC written with other spacing.
                .mx("good.test", HOST, 10)
                .txt("good.test", "v=spf1 mx -all")
                .txt("good.test", "google-site-verification=abc")
                .txt("_dmarc.good.test", "v=DMARC1;p=quarantine;  rua=mailto:postmaster@good.test;")
                .txt("_mta-sts.good.test", "v=STSv1; id=" + policy.id())
                .cname("mta-sts.good.test", HOST)
                .txt("_smtp._tls.good.test", "v=TLSRPTv1; rua=mailto:postmaster@good.test")
                // odd.test: MX elsewhere, another SPF, nothing else.
                .a("mx.elsewhere.test", "192.0.2.2")
                .mx("odd.test", "mx.elsewhere.test", 10)
                .txt("odd.test", "v=spf1 include:elsewhere.test ~all")
                .txt("odd.test", "unrelated")
                .down("down.test")
                .start();
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private static Map<String, Result> check(String domain) {
        List<DnsRecord> expected = DomainRecords.of(DomainName.parse(domain), HOST, List.of(), MtaStsPolicy.forHost(HOST));
        return new PublishedRecords(dns.resolver()).check(expected).stream()
                .collect(Collectors.toMap(r -> r.expected().name() + " " + r.expected().type(), r -> r));
    }

    @Test
    void publishedRecordsAreFound() {
        Map<String, Result> r = check("good.test");
        assertThat(r).hasSize(6);
        assertThat(r.values()).extracting(Result::status).containsOnly(Status.FOUND);
        // Only the SPF record of the apex is compared and shown, not the other TXT there.
        assertThat(r.get("good.test. TXT").found()).containsExactly("v=spf1 mx -all");
        assertThat(r.get("mta-sts.good.test. CNAME").found()).containsExactly(HOST);
    }

    @Test
    void differentRecordsShowWhatWasFoundAndAbsentOnesAreMissing() {
        Map<String, Result> r = check("odd.test");
        assertThat(r.get("odd.test. MX").status()).isEqualTo(Status.DIFFERENT);
        assertThat(r.get("odd.test. MX").found()).containsExactly("mx.elsewhere.test");
        assertThat(r.get("odd.test. TXT").status()).isEqualTo(Status.DIFFERENT);
        assertThat(r.get("odd.test. TXT").found()).containsExactly("v=spf1 include:elsewhere.test ~all");
        assertThat(r.get("_dmarc.odd.test. TXT").status()).isEqualTo(Status.MISSING);
        assertThat(r.get("_dmarc.odd.test. TXT").found()).isEmpty();
        assertThat(r.get("mta-sts.odd.test. CNAME").status()).isEqualTo(Status.MISSING);
    }

    @Test
    void aServerThatDoesNotAnswerIsALookupFailureNotAnError() {
        Map<String, Result> r = check("down.test");
        assertThat(r.values()).extracting(Result::status).containsOnly(Status.LOOKUP_FAILED);
    }

    @Test
    void tagListsCompareWithoutWhiteSpaceAndSpfByWords() {
        assertThat(PublishedRecords.normalise("TXT", " v=DKIM1; k=rsa;\tp=AB CD ;"))
                .isEqualTo(PublishedRecords.normalise("TXT", "v=DKIM1;k=rsa;p=ABCD"));
        assertThat(PublishedRecords.normalise("TXT", "v=spf1  mx   -all")).isEqualTo("v=spf1 mx -all");
        assertThat(PublishedRecords.normalise("MX", "Mail.Host.TEST.")).isEqualTo("mail.host.test");
    }
}
