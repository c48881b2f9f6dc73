package org.postern.server.cli;

import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.postern.access.Caller;
import org.postern.model.DomainName;
import org.postern.model.TenantId;
import org.postern.server.Postern;
import org.postern.store.Domain;
import org.postern.store.Tenant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "domain", description = "Manage hosted domains.",
        subcommands = {DomainCommand.Add.class, DomainCommand.ListDomains.class, DomainCommand.Remove.class})
final class DomainCommand {

    @Command(name = "add", description = "Host a domain for a tenant (the default tenant when none is named).")
    static final class Add extends DeploymentVerb {
        @Parameters(paramLabel = "DOMAIN", converter = Converters.Domain.class)
        DomainName domain;

        @Option(names = "--tenant", paramLabel = "NAME", description = "Tenant to host it for (default: \"default\").")
        String tenant;

        @Override
        void run(Postern p) {
            Domain d = p.directory().addDomain(new Caller.Operator(), domain, Optional.ofNullable(tenant));
            OperatorAudit.aboutTenant(p, Optional.of(d.tenantId()), "domain.add", java.util.Map.of("domain", domain.toString()));
            out().println("domain " + d.name() + " added");
        }
    }

    @Command(name = "list", description = "List hosted domains: domain, tenant.")
    static final class ListDomains extends DeploymentVerb {
        @Option(names = "--json", description = "One JSON object per line.")
        boolean json;

        @Override
        void run(Postern p) {
            Caller op = new Caller.Operator();
            Map<TenantId, String> tenantNames = p.directory().tenants(op).stream()
                    .collect(Collectors.toMap(Tenant::id, Tenant::name));
            var domains = p.directory().domains(op).stream()
                    .sorted(Comparator.comparing(d -> d.name().ascii())).toList();
            Output.rows(out(), json, domains,
                    d -> new Object[] {"domain", d.name(), "tenant", tenantNames.get(d.tenantId())});
        }
    }

    @Command(name = "remove", description = "Stop hosting a domain (refused while it has active users or addresses).")
    static final class Remove extends DeploymentVerb {
        @Parameters(paramLabel = "DOMAIN", converter = Converters.Domain.class)
        DomainName domain;

        @Override
        void run(Postern p) {
            var tenantOf = p.directory().domains(new Caller.Operator()).stream()
                    .filter(x -> x.name().equals(domain)).map(Domain::tenantId).findFirst();
            p.directory().removeDomain(new Caller.Operator(), domain);
            OperatorAudit.aboutTenant(p, tenantOf, "domain.remove", java.util.Map.of("domain", domain.toString()));
            out().println("domain " + domain + " removed");
        }
    }
}
