package org.postern.server.cli;

import java.util.Comparator;
import org.postern.access.Caller;
import org.postern.server.Postern;
import org.postern.store.Tenant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "tenant", description = "Manage tenants (organisations).",
        subcommands = {TenantCommand.Add.class, TenantCommand.ListTenants.class, TenantCommand.Security.class})
final class TenantCommand {

    @Command(name = "add", description = "Create a tenant.")
    static final class Add extends DeploymentVerb {
        @Parameters(paramLabel = "NAME", description = "1-64 letters, digits, spaces, dots, dashes or underscores.")
        String name;

        @Override
        void run(Postern p) {
            Tenant t = p.directory().addTenant(new Caller.Operator(), name);
            OperatorAudit.aboutTenant(p, java.util.Optional.of(t.id()), "tenant.create", java.util.Map.of("tenant", t.id().toString()));
            out().println("tenant " + t.name() + " added (" + t.id() + ")");
        }
    }

    @Command(name = "list", description = "List tenants: name, id, created.")
    static final class ListTenants extends DeploymentVerb {
        @Option(names = "--json", description = "One JSON object per line.")
        boolean json;

        @Override
        void run(Postern p) {
            var tenants = p.directory().tenants(new Caller.Operator()).stream()
                    .sorted(Comparator.comparing(Tenant::name)).toList();
            Output.rows(out(), json, tenants, t -> new Object[] {"name", t.name(), "id", t.id(), "created", t.createdAt()});
        }
    }

    @Command(name = "security", description = "Show or set a tenant's security policy: whether every user must use"
            + " two-step sign-in, and what happens on risky sign-ins (off, audit, enforced).")
    static final class Security extends DeploymentVerb {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--require-mfa", paramLabel = "true|false", arity = "1",
                description = "Require TOTP of every user of the tenant.")
        Boolean requireMfa;

        @Option(names = "--risk-mode", paramLabel = "MODE",
                description = "off, audit (record risky sign-ins) or enforced (require TOTP, else refuse).")
        String riskMode;

        @Override
        void run(Postern p) {
            Caller operator = new Caller.Operator();
            Tenant t = p.directory().tenants(operator).stream().filter(x -> x.name().equals(name)).findFirst()
                    .orElseThrow(() -> new org.postern.model.NotFoundException("no tenant named " + name));
            var current = p.identity().tenantSecurity().policy(operator, t.id());
            if (requireMfa != null || riskMode != null) {
                org.postern.store.identity.RiskMode mode = current.riskMode();
                if (riskMode != null) {
                    try {
                        mode = org.postern.store.identity.RiskMode.valueOf(riskMode.toUpperCase(java.util.Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new org.postern.model.InvalidInputException("--risk-mode must be off, audit or enforced");
                    }
                }
                current = p.identity().tenantSecurity().setPolicy(operator, t.id(),
                        requireMfa != null ? requireMfa : current.requireMfa(), mode,
                        org.postern.auth.signin.ClientInfo.local("postern-cli"));
            }
            out().println("tenant " + t.name() + ": require_mfa=" + current.requireMfa() + " risk_mode="
                    + current.riskMode().name().toLowerCase(java.util.Locale.ROOT));
        }
    }
}
