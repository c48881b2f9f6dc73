package org.postern.mta.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MtaStsPolicyTest {

    @Test
    void anEnforcePolicyIsReadWithItsMxPatterns() {
        MtaStsPolicy p = MtaStsPolicy.parse("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
                + "mx: *.example.net\r\nmax_age: 604800\r\n").orElseThrow();
        assertThat(p.mode()).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
        assertThat(p.maxAge()).isEqualTo(Duration.ofDays(7));
        assertThat(p.allows("mail.example.com")).isTrue();
        assertThat(p.allows("MAIL.example.com.")).isTrue();
        assertThat(p.allows("mx1.example.net")).isTrue();
        // A wildcard covers exactly one leftmost label (RFC 8461 §4.1).
        assertThat(p.allows("a.b.example.net")).isFalse();
        assertThat(p.allows("example.net")).isFalse();
        assertThat(p.allows("evil.com")).isFalse();
    }

    @Test
    void testingAndNoneAreReadAndBareLineFeedsAndExtraKeysAreAccepted() {
        assertThat(MtaStsPolicy.parse("version: STSv1\nmode: testing\nmx: mx.example.org\nmax_age: 86400\nx-ext: 1\n"))
                .map(MtaStsPolicy::mode).contains(MtaStsPolicy.Mode.TESTING);
        assertThat(MtaStsPolicy.parse("version: STSv1\nmode: none\nmax_age: 86400\n")).map(MtaStsPolicy::mode)
                .contains(MtaStsPolicy.Mode.NONE);
    }

    @Test
    void malformedPoliciesAreRefused() {
        for (String bad : new String[] {
                "",
                "mode: enforce\nmx: a.example\nmax_age: 1\n",
                "version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n",
                "version: STSv1\nmode: sometimes\nmx: a.example\nmax_age: 1\n",
                "version: STSv1\nmode: enforce\nmax_age: 1\n",
                "version: STSv1\nmode: enforce\nmx: a.example\n",
                "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 99999999999\n",
                "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n",
                "version: STSv1\nmode: enforce\nmx: bad host!\nmax_age: 1\n",
                "version: STSv1\nmode: enforce\nmx: *.*.example\nmax_age: 1\n",
                "version: STSv1\nmode: enforce\nmode: none\nmx: a.example\nmax_age: 1\n",
                "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\ngarbage line\n",
                "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n" + "mx: b.example\n".repeat(200)}) {
            assertThat(MtaStsPolicy.parse(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void theTxtRecordGivesThePolicyId() {
        assertThat(MtaStsPolicy.txtId("v=STSv1; id=20160831085700Z;")).contains("20160831085700Z");
        assertThat(MtaStsPolicy.txtId("v=STSv1;id=abc123")).contains("abc123");
        assertThat(MtaStsPolicy.txtId("v=STSv2; id=abc")).isEmpty();
        assertThat(MtaStsPolicy.txtId("v=STSv1; id=bad-char!")).isEmpty();
        assertThat(MtaStsPolicy.txtId("v=spf1 -all")).isEmpty();
        assertThat(MtaStsPolicy.txtId("v=STSv1; id=" + "a".repeat(33))).isEmpty();
        assertThat(MtaStsPolicy.txtId("v=STSv1;")).isEqualTo(Optional.empty());
    }
}
