package org.postern.mta.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.postern.model.DomainName;
import org.postern.mta.dkim.DkimKeys;
import org.postern.store.DkimKey;
import org.postern.store.DkimKeyState;

/**
 * Every DNS record a hosted domain needs for mail to and from it to work and to be trusted: MX,
 * SPF, one DKIM TXT per key (retired keys too, while they exist, so mail in flight still
 * verifies), DMARC, MTA-STS (with the host the policy is fetched from) and TLS-RPT. Reports go to
 * {@code postmaster@} the domain, which Postern always routes to an administrator. The CLI prints
 * these; the API and web app can show the same list.
 */
public final class DomainRecords {
    private DomainRecords() {}

    /**
     * @param hostname this server's host name (MX target, SPF's mx, MTA-STS mx)
     * @param dkimKeys the domain's keys (from {@code DkimKeys.list}); none gives no DKIM records
     */
    public static List<DnsRecord> of(DomainName domain, String hostname, List<DkimKey> dkimKeys, MtaStsPolicy policy) {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(dkimKeys, "dkimKeys");
        Objects.requireNonNull(policy, "policy");
        String d = domain.ascii() + ".";
        String host = hostname.toLowerCase(Locale.ROOT) + ".";
        String reports = "mailto:postmaster@" + domain.ascii();
        List<DnsRecord> out = new ArrayList<>();
        out.add(new DnsRecord(d, "MX", "10 " + host, "mail for the domain goes to this server"));
        out.add(new DnsRecord(d, "TXT", "v=spf1 mx -all", "SPF: only the domain's MX hosts send its mail"));
        for (DkimKey k : dkimKeys) {
            if (!k.domain().equals(domain)) {
                continue;
            }
            out.add(new DnsRecord(k.selector() + "._domainkey." + d, "TXT", DkimKeys.txtRecord(k),
                    "DKIM " + k.algorithm().tag() + " key, " + k.state().name().toLowerCase(Locale.ROOT)
                            + (k.state() == DkimKeyState.RETIRED ? " (keep until mail it signed is delivered)" : "")));
        }
        out.add(new DnsRecord("_dmarc." + d, "TXT", "v=DMARC1; p=quarantine; rua=" + reports,
                "DMARC: unaligned mail is quarantined; aggregate reports to the postmaster"));
        out.add(new DnsRecord("_mta-sts." + d, "TXT", "v=STSv1; id=" + policy.id(),
                "MTA-STS: the id changes whenever the policy does"));
        out.add(new DnsRecord("mta-sts." + d, "CNAME", host,
                "MTA-STS: the policy is served by this server over HTTPS (its certificate must name mta-sts." + domain.ascii()
                        + ")"));
        out.add(new DnsRecord("_smtp._tls." + d, "TXT", "v=TLSRPTv1; rua=" + reports,
                "TLS-RPT: reports of TLS failures to the postmaster"));
        return List.copyOf(out);
    }

    /** The records as a zone-file fragment, each preceded by a comment saying what it is for. */
    public static String zoneFile(List<DnsRecord> records) {
        StringBuilder sb = new StringBuilder();
        for (DnsRecord r : records) {
            sb.append("; ").append(r.purpose()).append('\n').append(r.zoneLine()).append('\n');
        }
        return sb.toString();
    }
}
