package org.postern.server.cli;

import java.util.Comparator;
import org.postern.access.Caller;
import org.postern.server.Postern;
import org.postern.store.Tenant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "tenant", description = "Manage tenants (organisations).",
        subcommands = {TenantCommand.Add.class, TenantCommand.ListTenants.class})
final class TenantCommand {

    @Command(name = "add", description = "Create a tenant.")
    static final class Add extends DeploymentVerb {
        @Parameters(paramLabel = "NAME", description = "1-64 letters, digits, spaces, dots, dashes or underscores.")
        String name;

        @Override
        void run(Postern p) {
            Tenant t = p.directory().addTenant(new Caller.Operator(), name);
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
}
