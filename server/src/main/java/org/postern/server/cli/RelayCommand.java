package org.postern.server.cli;

import java.util.Arrays;
import org.postern.server.Postern;
import org.postern.server.keys.RelayCredentialsFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "relay", description = "The smarthost's credentials (outbound_relay), kept sealed under the master "
        + "key; a running server uses new ones at its next connection.",
        subcommands = {RelayCommand.Set.class, RelayCommand.Show.class, RelayCommand.Clear.class})
final class RelayCommand {

    @Command(name = "set", description = "Store the login and password (first line of standard input) for the smarthost.")
    static final class Set extends DeploymentVerb {
        @Parameters(index = "0", paramLabel = "LOGIN", description = "Login at the smarthost.")
        String login;

        @Option(names = "--password-stdin", required = true, description = "Read the password from standard input.")
        boolean passwordStdin;

        @Override
        void run(Postern p) throws Exception {
            char[] password = PassphraseInput.read(System.in);
            try {
                RelayCredentialsFile.write(p.keysDir(), p.masterKeys().get(), login, password);
            } catch (IllegalArgumentException e) {
                throw new org.postern.model.InvalidInputException(e.getMessage());
            } finally {
                Arrays.fill(password, '\0');
            }
            out().println("relay credentials stored for " + login);
        }
    }

    @Command(name = "show", description = "The stored login (never the password).")
    static final class Show extends DeploymentVerb {
        @Override
        void run(Postern p) {
            out().println(RelayCredentialsFile.read(p.keysDir(), p.masterKeys().get())
                    .map(c -> "login " + c.login()).orElse("no relay credentials"));
        }
    }

    @Command(name = "clear", description = "Remove the stored credentials.")
    static final class Clear extends DeploymentVerb {
        @Override
        void run(Postern p) {
            out().println(RelayCredentialsFile.clear(p.keysDir()) ? "relay credentials removed" : "no relay credentials");
        }
    }
}
