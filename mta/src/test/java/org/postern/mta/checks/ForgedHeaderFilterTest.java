package org.postern.mta.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.mta.checks.TestMessages.bytes;
import static org.postern.mta.checks.TestMessages.text;

import java.util.List;
import org.junit.jupiter.api.Test;

class ForgedHeaderFilterTest {
    private final ForgedHeaderFilter filter = new ForgedHeaderFilter("mx.postern.test");

    @Test
    void resultsClaimingOurAuthservIdAreFoundAndStripped() {
        String block = "Received: from a\r\n"
                + "Authentication-Results: mx.postern.test; dmarc=pass header.from=bank.test\r\n"
                + "Authentication-Results: other.example; spf=fail\r\n"
                + "authentication-results : (sneaky) MX.POSTERN.TEST.;\r\n\tdkim=pass\r\n"
                + "From: a@b.test\r\n";
        List<ForgedHeaderFilter.Forged> forged = filter.find(bytes(block));
        assertThat(forged).hasSize(2);
        assertThat(text(filter.strip(bytes(block)))).isEqualTo("Received: from a\r\n"
                + "Authentication-Results: other.example; spf=fail\r\n"
                + "From: a@b.test\r\n");
        ForgedHeaderFilter.Forged first = forged.get(0);
        assertThat(block.substring(first.offset(), first.offset() + first.length()))
                .isEqualTo("Authentication-Results: mx.postern.test; dmarc=pass header.from=bank.test\r\n");
    }

    @Test
    void quotedAndVersionedIdsAreRecognised() {
        assertThat(filter.claimsOurs(" \"mx.postern.test\"; spf=pass")).isTrue();
        assertThat(filter.claimsOurs(" mx.postern.test 1; spf=pass")).isTrue();
        assertThat(filter.claimsOurs(" (a (nested) comment)\r\n mx.postern.test;")).isTrue();
        assertThat(filter.claimsOurs(" mx.postern.test.evil.test; spf=pass")).isFalse();
        assertThat(filter.claimsOurs(" evil.test (mx.postern.test); spf=pass")).isFalse();
    }

    @Test
    void unreadableResultsAreTreatedAsForged() {
        assertThat(filter.claimsOurs("")).isTrue();
        assertThat(filter.claimsOurs(" (unterminated comment mx.postern.test;")).isTrue();
        assertThat(filter.claimsOurs(" \"unterminated")).isTrue();
    }

    @Test
    void lfOnlyBlocksAndBlocksWithoutForgeriesArePreserved() {
        String lf = "Subject: x\nAuthentication-Results: mx.postern.test; none\nTo: y@z.test\n";
        assertThat(text(filter.strip(bytes(lf)))).isEqualTo("Subject: x\nTo: y@z.test\n");
        String clean = "Subject: x\r\nTo: y@z.test\r\n";
        assertThat(filter.find(bytes(clean))).isEmpty();
        assertThat(text(filter.strip(bytes(clean)))).isEqualTo(clean);
    }
}
