package org.postern.server.cli;

import org.postern.access.Caller;
import org.postern.auth.account.Invitations;
import org.postern.auth.signin.ClientInfo;
import org.postern.model.EmailAddress;
import org.postern.model.Role;
import org.postern.server.Postern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "invite", description = "Invite people: sign-up is by invitation only.",
        subcommands = {InviteCommand.Create.class})
final class InviteCommand {

    @Command(name = "create", description = "Create a single-use, expiring invitation for an account on a hosted"
            + " domain; prints the token to hand to the invitee (shown once).")
    static final class Create extends DeploymentVerb {
        @Parameters(paramLabel = "EMAIL", converter = Converters.Email.class, description = "The login the invitee gets.")
        EmailAddress login;

        @Option(names = "--role", paramLabel = "ROLE", converter = Converters.RoleName.class,
                description = "user (default), tenant-admin or server-admin.")
        Role role;

        @Override
        void run(Postern p) {
            Invitations.Created created = p.identity().invitations().create(new Caller.Operator(), login,
                    role == null ? Role.USER : role, ClientInfo.local("postern-cli"));
            out().println("invite for " + login + " (" + created.invite().role().label() + ") expires "
                    + created.invite().expiresAt());
            out().println("token " + created.token());
        }
    }
}
