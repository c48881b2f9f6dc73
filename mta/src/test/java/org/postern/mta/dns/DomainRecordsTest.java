package org.postern.mta.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postern.model.DomainName;
import org.postern.model.TenantId;
import org.postern.store.DkimAlgorithm;
import org.postern.store.DkimKey;
import org.postern.store.DkimKeyState;

class DomainRecordsTest {
    private static final DomainName D = new DomainName("example.org");

    private static DkimKey key(String selector, DkimAlgorithm algorithm, int publicKeyBytes, DkimKeyState state) {
        return new DkimKey(TenantId.random(), D, selector, algorithm, new byte[publicKeyBytes], new byte[] {1},
                Instant.EPOCH, state);
    }

    @Test
    void everyRecordIsThereWithItsExactValue() {
        List<DnsRecord> records = DomainRecords.of(D, "Mail.Example.NET", List.of(
                key("pe202611e", DkimAlgorithm.ED25519, 44, DkimKeyState.ACTIVE),
                key("pe202611r", DkimAlgorithm.RSA_SHA256, 294, DkimKeyState.ACTIVE),
                key("other", DkimAlgorithm.ED25519, 44, DkimKeyState.RETIRED)),
                MtaStsPolicy.forHost("mail.example.net"));
        assertThat(records).extracting(DnsRecord::zoneLine).containsExactly(
                "example.org.\t3600\tIN\tMX\t10 mail.example.net.",
                "example.org.\t3600\tIN\tTXT\t\"v=spf1 mx -all\"",
                "pe202611e._domainkey.example.org.\t3600\tIN\tTXT\t\"v=DKIM1; k=ed25519; p=" + "A".repeat(43) + "=\"",
                records.get(3).zoneLine(),
                "other._domainkey.example.org.\t3600\tIN\tTXT\t\"v=DKIM1; k=ed25519; p=" + "A".repeat(43) + "=\"",
                "_dmarc.example.org.\t3600\tIN\tTXT\t\"v=DMARC1; p=quarantine; rua=mailto:postmaster@example.org\"",
                "_mta-sts.example.org.\t3600\tIN\tTXT\t\"v=STSv1; id=" + MtaStsPolicy.forHost("mail.example.net").id() + "\"",
                "mta-sts.example.org.\t3600\tIN\tCNAME\tmail.example.net.",
                "_smtp._tls.example.org.\t3600\tIN\tTXT\t\"v=TLSRPTv1; rua=mailto:postmaster@example.org\"");
        DnsRecord rsa = records.get(3);
        assertThat(rsa.value()).startsWith("v=DKIM1; k=rsa; p=").hasSize(18 + 392);
        assertThat(rsa.strings()).hasSize(2).allMatch(s -> s.length() <= 255);
        assertThat(String.join("", rsa.strings())).isEqualTo(rsa.value());
        assertThat(rsa.zoneLine()).endsWith("\"" + rsa.strings().get(0) + "\" \"" + rsa.strings().get(1) + "\"");
        assertThat(records.get(4).purpose()).contains("retired");
    }

    @Test
    void theMtaStsIdChangesExactlyWhenThePolicyDoes() {
        MtaStsPolicy a = MtaStsPolicy.forHost("mail.example.net");
        assertThat(a.id()).matches("[0-9a-f]{20}").isEqualTo(MtaStsPolicy.forHost("mail.example.net").id());
        assertThat(a.id()).isNotEqualTo(MtaStsPolicy.forHost("mx2.example.net").id());
        assertThat(a.id()).isNotEqualTo(new MtaStsPolicy("mail.example.net", Duration.ofDays(1)).id());
        assertThat(a.text()).isEqualTo("version: STSv1\r\nmode: enforce\r\nmx: mail.example.net\r\nmax_age: 604800\r\n");
    }
}
