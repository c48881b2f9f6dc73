package org.postern.server.cli;

import java.io.PrintWriter;
import java.util.Optional;
import org.postern.crypto.KeyFileException;
import org.postern.model.PosternException;
import org.postern.server.config.Config;
import org.postern.server.config.ConfigException;
import org.postern.server.config.ConfigLoader;
import org.postern.server.logging.LogSetup;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The {@code ./postern} command line: {@code serve} and the admin verbs. Operators' scripts drive
 * Postern through it, so verbs, options and exit codes are a stable interface: 0 done, 2 usage
 * error, 1 failure, each failure with a one-line reason on standard error.
 */
@Command(name = "postern", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "A security-first mail server.",
        subcommands = {ServeCommand.class, TenantCommand.class, DomainCommand.class, DkimCommand.class,
                DnsCommand.class, UserCommand.class, AddressCommand.class, MailCommand.class, KeysCommand.class,
                StoreCommand.class, ConfigCommand.class, InviteCommand.class, OutboxCommand.class,
                AuditLogCommand.class, QueueCommand.class, RelayCommand.class})
public final class Cli implements Runnable {
    @Mixin
    GlobalOptions global;

    @picocli.CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final ConfigLoader loader;

    public Cli(ConfigLoader loader) {
        this.loader = loader;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    Config loadConfig(GlobalOptions options) {
        return loader.load(Optional.ofNullable(options.dataDir), Optional.ofNullable(options.configFile));
    }

    /** Admin verbs print results on stdout; only warnings and errors go to the log. */
    static void quietLogs(Config config) {
        LogSetup.configure(config.logFormat(), "warn");
    }

    /** Runs the command line and returns the exit code. */
    public static int execute(ConfigLoader loader, String... args) {
        CommandLine cl = new CommandLine(new Cli(loader));
        cl.setExecutionExceptionHandler(Cli::failure);
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("postern: " + ex.getMessage());
            err.println("(run with --help for usage)");
            return CommandLine.ExitCode.USAGE;
        });
        return cl.execute(args);
    }

    private static int failure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        String reason = switch (e) {
            case PosternException p -> p.getMessage();
            case ConfigException c -> "configuration: " + c.getMessage();
            case KeyFileException k -> "refusing to start: " + k.getMessage();
            case StoreCommand.StoreDamagedException d -> d.getMessage();
            case AuditLogCommand.AuditLogBrokenException b -> b.getMessage();
            case java.io.UncheckedIOException io -> io.getMessage();
            case java.io.IOException io -> io.getMessage();
            default -> {
                // Unexpected: the details go to the log for the operator, the reason line stays short.
                org.slf4j.LoggerFactory.getLogger(Cli.class).error("command failed", e);
                yield "internal error (" + e.getClass().getSimpleName() + "); see the log above";
            }
        };
        err.println("postern: " + oneLine(reason));
        err.flush();
        return 1;
    }

    private static String oneLine(String s) {
        return s == null ? "failed" : s.replace('\n', ' ').replace('\r', ' ');
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Cli.class.getPackage().getImplementationVersion();
            return new String[] {"postern " + (v == null ? "development build" : v)};
        }
    }
}
