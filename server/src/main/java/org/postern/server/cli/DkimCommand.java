package org.postern.server.cli;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postern.access.Caller;
import org.postern.model.DomainName;
import org.postern.model.NotFoundException;
import org.postern.mta.dns.DnsRecord;
import org.postern.mta.dns.DomainRecords;
import org.postern.mta.dns.MtaStsPolicy;
import org.postern.server.Postern;
import org.postern.store.DkimKey;
import org.postern.store.DkimKeyState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "dkim", description = "Manage hosted domains' DKIM signing keys (Ed25519 and RSA-2048 pairs).",
        subcommands = {DkimCommand.Generate.class, DkimCommand.ListKeys.class, DkimCommand.Retire.class,
                DkimCommand.Status.class})
final class DkimCommand {

    @Command(name = "generate", description = "Make a new active key pair (Ed25519 and RSA-2048) under fresh selectors; "
            + "the previous pair is retired but stays published. Prints the TXT records to publish.")
    static final class Generate extends DeploymentVerb {
        @Parameters(paramLabel = "DOMAIN", converter = Converters.Domain.class)
        DomainName domain;

        @Override
        void run(Postern p) {
            List<DkimKey> keys = p.dkimKeys().generate(new Caller.Operator(), domain);
            List<DkimKey> active = keys.stream().filter(k -> k.state() == DkimKeyState.ACTIVE).toList();
            OperatorAudit.aboutTenant(p, Optional.of(active.get(0).tenantId()), "dkim.generate",
                    Map.of("domain", domain.toString(),
                            "selectors", String.join(",", active.stream().map(DkimKey::selector).toList())));
            out().println("DKIM keys generated for " + domain + ": " + String.join(", ",
                    active.stream().map(k -> k.selector() + " (" + k.algorithm().tag() + ")").toList()));
            out().println("publish these TXT records (retired keys too, until mail they signed is delivered):");
            printKeyRecords(out(), p, domain, keys);
        }
    }

    static void printKeyRecords(java.io.PrintWriter out, Postern p, DomainName domain, List<DkimKey> keys) {
        for (DnsRecord r : DomainRecords.of(domain, p.config().hostname(), keys,
                MtaStsPolicy.forHost(p.config().hostname()))) {
            if (r.name().contains("._domainkey.")) {
                out.println(r.zoneLine());
            }
        }
    }

    @Command(name = "list", description = "List a domain's DKIM keys: selector, algorithm, state, created, DNS name.")
    static final class ListKeys extends DeploymentVerb {
        @Parameters(paramLabel = "DOMAIN", converter = Converters.Domain.class)
        DomainName domain;

        @Option(names = "--json", description = "One JSON object per line.")
        boolean json;

        @Override
        void run(Postern p) {
            requireHosted(p, domain);
            Output.rows(out(), json, p.dkimKeys().list(new Caller.Operator(), domain),
                    k -> new Object[] {"selector", k.selector(), "algorithm", k.algorithm().tag(),
                        "state", k.state().name().toLowerCase(java.util.Locale.ROOT), "created", k.createdAt(),
                        "name", k.selector() + "._domainkey." + domain.ascii()});
        }
    }

    @Command(name = "retire", description = "Remove a retired DKIM key (unpublish its TXT record first). "
            + "An active key is refused: generate a new pair first.")
    static final class Retire extends DeploymentVerb {
        @Parameters(index = "0", paramLabel = "DOMAIN", converter = Converters.Domain.class)
        DomainName domain;

        @Parameters(index = "1", paramLabel = "SELECTOR")
        String selector;

        @Override
        void run(Postern p) {
            requireHosted(p, domain);
            var tenant = p.directory().domains(new Caller.Operator()).stream()
                    .filter(d -> d.name().equals(domain)).map(d -> d.tenantId()).findFirst();
            p.dkimKeys().remove(new Caller.Operator(), domain, selector);
            OperatorAudit.aboutTenant(p, tenant, "dkim.retire", Map.of("domain", domain.toString(), "selector", selector));
            out().println("DKIM key " + selector + " for " + domain + " removed");
        }
    }

    @Command(name = "status", description = "Every hosted domain and its active DKIM selectors (\"none\": its mail "
            + "goes out unsigned; run dkim generate). Exit code 1 when a domain has no active key.")
    static final class Status extends DeploymentVerb {
        @Option(names = "--json", description = "One JSON object per line.")
        boolean json;

        @Override
        void run(Postern p) {
            Caller op = new Caller.Operator();
            Map<DomainName, List<String>> active = new java.util.HashMap<>();
            for (DkimKey k : p.dkimKeys().listAll(op)) {
                if (k.state() == DkimKeyState.ACTIVE) {
                    active.computeIfAbsent(k.domain(), x -> new java.util.ArrayList<>()).add(k.selector());
                }
            }
            var domains = p.directory().domains(op).stream()
                    .sorted(java.util.Comparator.comparing(d -> d.name().ascii())).toList();
            Output.rows(out(), json, domains, d -> new Object[] {"domain", d.name(),
                "active", String.join(",", active.getOrDefault(d.name(), List.of("none")))});
            if (domains.stream().anyMatch(d -> !active.containsKey(d.name()))) {
                out().flush();
                throw new org.postern.model.ConflictException(
                        "some hosted domains have no active DKIM key; their mail goes out unsigned");
            }
        }
    }

    static void requireHosted(Postern p, DomainName domain) {
        if (p.directory().domains(new Caller.Operator()).stream().noneMatch(d -> d.name().equals(domain))) {
            throw new NotFoundException("no such domain: " + domain);
        }
    }
}
