package org.postern.server.cli;

import org.postern.server.config.Config;
import org.postern.server.config.ConfigReference;
import picocli.CommandLine.Command;

@Command(name = "config", description = "Check or describe the configuration.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Reference.class})
final class ConfigCommand {

    @Command(name = "check", description = "Validate the configuration and print it (secrets redacted); exit 1 if invalid.")
    static final class Check extends Verb {
        @Override
        public Integer call() {
            Config config = config();
            out().println(config);
            out().flush();
            return 0;
        }
    }

    @Command(name = "reference", description = "Print every configuration key with its default, as Markdown.")
    static final class Reference extends Verb {
        @Override
        public Integer call() {
            out().print(ConfigReference.markdownTable());
            out().flush();
            return 0;
        }
    }
}
