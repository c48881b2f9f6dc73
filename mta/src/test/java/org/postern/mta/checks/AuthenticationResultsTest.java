package org.postern.mta.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postern.mta.checks.DmarcResult.Policy;
import org.postern.model.DomainName;

class AuthenticationResultsTest {
    private static final DomainName EXAMPLE = DomainName.parse("example.test");

    private static final SpfResult SPF = new SpfResult(SpfResult.Status.PASS, SpfResult.Identity.MAILFROM,
            Optional.of(EXAMPLE), "");
    private static final DkimResult DKIM = new DkimResult(DkimResult.Status.PASS, Optional.of(EXAMPLE), "sel2026",
            "ab/+cd=e", "rsa-sha256", false, "");
    private static final DmarcResult DMARC = new DmarcResult(DmarcResult.Status.PASS, Optional.of(EXAMPLE),
            Optional.of(EXAMPLE), Policy.REJECT, Policy.NONE, true, true, "");

    @Test
    void allResultsAreWrittenInOneFoldedField() {
        String value = AuthenticationResults.builder("mx.postern.test").spf(SPF).dkim(List.of(DKIM)).dmarc(DMARC)
                .buildValue();
        assertThat(value).isEqualTo("mx.postern.test;\r\n"
                + "\tspf=pass smtp.mailfrom=example.test;\r\n"
                + "\tdkim=pass header.d=example.test header.s=sel2026 header.a=rsa-sha256 header.b=\"ab/+cd=e\";\r\n"
                + "\tdmarc=pass (p=reject dis=none) header.from=example.test");
    }

    @Test
    void failuresCarryOurReasonsAsComments() {
        SpfResult helo = new SpfResult(SpfResult.Status.PERMERROR, SpfResult.Identity.HELO,
                Optional.of(DomainName.parse("mail.example.test")), "more than 2 void lookups");
        DkimResult revoked = new DkimResult(DkimResult.Status.FAIL, Optional.of(EXAMPLE), "old", "", "", true,
                "key revoked");
        DmarcResult fail = new DmarcResult(DmarcResult.Status.FAIL, Optional.of(EXAMPLE), Optional.of(EXAMPLE),
                Policy.REJECT, Policy.REJECT, false, false, "no aligned identifier passed");
        String field = AuthenticationResults.builder("mx.postern.test").spf(helo).dkim(List.of(revoked)).dmarc(fail)
                .buildField();
        assertThat(field).startsWith("Authentication-Results: mx.postern.test;")
                .contains("spf=permerror (more than 2 void lookups) smtp.helo=mail.example.test")
                .contains("dkim=fail (key revoked, test key) header.d=example.test header.s=old;")
                .contains("dmarc=fail (p=reject dis=reject, no aligned identifier passed) header.from=example.test");
    }

    @Test
    void noSignatureIsDkimNoneAndNothingAtAllIsNone() {
        assertThat(AuthenticationResults.builder("mx.postern.test").dkim(List.of()).buildValue())
                .isEqualTo("mx.postern.test;\r\n\tdkim=none");
        assertThat(AuthenticationResults.builder("mx.postern.test").buildValue()).isEqualTo("mx.postern.test; none");
    }

    @Test
    void valuesThatCouldInjectAreLeftOut() {
        DkimResult evil = new DkimResult(DkimResult.Status.PASS, Optional.of(EXAMPLE),
                "s\r\nX-Injected: yes", "ab\"c;\r\n", "rsa-sha256; dmarc=pass", false, "x)\r\nX-Evil: 1 (y");
        String value = AuthenticationResults.builder("mx.postern.test").dkim(List.of(evil)).buildValue();
        assertThat(value.replace("\r\n\t", "")).doesNotContain("\r").doesNotContain("\n");
        assertThat(value).doesNotContain("X-Injected").doesNotContain("header.s=").doesNotContain("header.b=")
                .doesNotContain("header.a=").doesNotContain("dmarc=");
        assertThat(value).contains("dkim=pass (xX-Evil: 1 y) header.d=example.test");
    }

    @Test
    void theAuthservIdMustBeAHostName() {
        assertThatThrownBy(() -> AuthenticationResults.builder("mx.postern.test; spf=pass"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuthenticationResults.builder("")).isInstanceOf(IllegalArgumentException.class);
        assertThat(AuthenticationResults.builder("MX.Postern.TEST").buildValue()).startsWith("mx.postern.test;");
    }

    @Test
    void arcIsWrittenAfterDmarcWithTheSealerInTheCommentAndLeftOutWhenThereIsNoChain() {
        ArcResult pass = new ArcResult(ArcResult.Status.PASS, 2, Optional.of(DomainName.parse("lists.example.test")), "");
        assertThat(AuthenticationResults.builder("mx.postern.test").dmarc(DMARC).arc(pass).buildValue())
                .endsWith("header.from=example.test;\r\n\tarc=pass (i=2 sealed by lists.example.test)");
        ArcResult fail = ArcResult.fail(1, Optional.empty(), "ARC-Seal 1 did not verify\r\nX-Injected: yes");
        assertThat(AuthenticationResults.builder("mx.postern.test").arc(fail).buildValue())
                .isEqualTo("mx.postern.test;\r\n\tarc=fail (i=1, ARC-Seal 1 did not verifyX-Injected: yes)");
        assertThat(AuthenticationResults.builder("mx.postern.test").spf(SPF).arc(ArcResult.none()).buildValue())
                .doesNotContain("arc");
    }
}
