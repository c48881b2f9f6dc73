package org.postern.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.postern.model.DomainName;

class MtaStsRouteTest {
    @Test
    void onlyMtaStsHostsNameAPolicyDomain() {
        assertThat(MtaStsRoute.policyDomain("mta-sts.example.org")).contains(new DomainName("example.org"));
        assertThat(MtaStsRoute.policyDomain("MTA-STS.Example.ORG.:8443")).contains(new DomainName("example.org"));
        assertThat(MtaStsRoute.policyDomain(null)).isEmpty();
        assertThat(MtaStsRoute.policyDomain("example.org")).isEmpty();
        assertThat(MtaStsRoute.policyDomain("mta-sts.")).isEmpty();
        assertThat(MtaStsRoute.policyDomain("mta-sts.bad..name")).isEmpty();
        assertThat(MtaStsRoute.policyDomain("mta-sts.[::1]:443")).isEmpty();
        assertThat(MtaStsRoute.policyDomain("mta-sts." + "a".repeat(400) + ".org")).isEmpty();
        assertThat(MtaStsRoute.policyDomain("xmta-sts.example.org")).isEmpty();
    }
}
