package org.postern.server.cli;

import java.util.List;
import org.postern.access.Caller;
import org.postern.model.DomainName;
import org.postern.mta.dns.DomainRecords;
import org.postern.mta.dns.MtaStsPolicy;
import org.postern.server.Postern;
import org.postern.store.DkimKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "dns", description = "Print every DNS record a hosted domain needs, zone-file style: MX, SPF, "
        + "DKIM (each key), DMARC, MTA-STS and TLS-RPT, with exact values.")
final class DnsCommand extends DeploymentVerb {
    @Parameters(paramLabel = "DOMAIN", converter = Converters.Domain.class)
    DomainName domain;

    @Override
    void run(Postern p) {
        DkimCommand.requireHosted(p, domain);
        List<DkimKey> keys = p.dkimKeys().list(new Caller.Operator(), domain);
        String hostname = p.config().hostname();
        out().println("; DNS records for " + domain + " (mail host " + hostname + ")");
        if (keys.isEmpty()) {
            out().println("; no DKIM key yet: mail from " + domain + " goes out unsigned; run: ./postern dkim generate "
                    + domain);
        }
        out().print(DomainRecords.zoneFile(DomainRecords.of(domain, hostname, keys, MtaStsPolicy.forHost(hostname))));
    }
}
