package org.postern.server.cli;

import java.util.Comparator;
import java.util.Optional;
import org.postern.access.Caller;
import org.postern.mail.directory.AddressView;
import org.postern.model.EmailAddress;
import org.postern.server.Postern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "address", description = "Manage addresses: one per correspondent, revocable.",
        subcommands = {AddressCommand.Add.class, AddressCommand.Revoke.class, AddressCommand.ListAddresses.class})
final class AddressCommand {

    @Command(name = "add", description = "Create an address for a user, on a domain of the user's tenant.")
    static final class Add extends DeploymentVerb {
        @Parameters(index = "0", paramLabel = "OWNER", converter = Converters.Email.class, description = "The owner's login.")
        EmailAddress owner;

        @Parameters(index = "1", paramLabel = "ADDRESS", converter = Converters.Email.class)
        EmailAddress address;

        @Option(names = "--note", paramLabel = "TEXT", description = "Who the address was given to (stored encrypted).")
        String note;

        @Override
        void run(Postern p) {
            AddressView a = p.directory().addAddress(new Caller.Operator(), owner, address, Optional.ofNullable(note));
            OperatorAudit.aboutUser(p, owner, "address.create", java.util.Map.of("address", a.address().toString()));
            out().println("address " + a.address() + " added");
        }
    }

    @Command(name = "revoke", description = "Revoke an address for good: mail to it is refused at RCPT TO.")
    static final class Revoke extends DeploymentVerb {
        @Parameters(paramLabel = "ADDRESS", converter = Converters.Email.class)
        EmailAddress address;

        @Override
        void run(Postern p) {
            var owner = p.directory().addresses(new Caller.Operator(), Optional.empty()).stream()
                    .filter(a -> a.address().equals(address)).map(AddressView::ownerLogin).findFirst();
            p.directory().revokeAddress(new Caller.Operator(), address);
            owner.ifPresent(o -> OperatorAudit.aboutUser(p, o, "address.revoke",
                    java.util.Map.of("address", address.toString())));
            out().println("address " + address + " revoked");
        }
    }

    @Command(name = "list", description = "List addresses: address, owner, state, created, revoked, note.")
    static final class ListAddresses extends DeploymentVerb {
        @Option(names = "--owner", paramLabel = "EMAIL", converter = Converters.Email.class,
                description = "Only this user's addresses.")
        EmailAddress owner;

        @Option(names = "--json", description = "One JSON object per line.")
        boolean json;

        @Override
        void run(Postern p) {
            var list = p.directory().addresses(new Caller.Operator(), Optional.ofNullable(owner)).stream()
                    .sorted(Comparator.comparing((AddressView a) -> a.address().toString())).toList();
            Output.rows(out(), json, list, a -> new Object[] {"address", a.address(), "owner", a.ownerLogin(),
                    "state", a.state().name().toLowerCase(java.util.Locale.ROOT), "created", a.createdAt(),
                    "revoked", a.revokedAt().orElse(null), "note", a.note().orElse(null)});
        }
    }
}
