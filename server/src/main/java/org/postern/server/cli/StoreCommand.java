package org.postern.server.cli;

import java.time.Duration;
import org.postern.mail.maintenance.VerifyReport;
import org.postern.server.Postern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "store", description = "Check and maintain the mail store.",
        subcommands = {StoreCommand.Verify.class, StoreCommand.Purge.class})
final class StoreCommand {

    @Command(name = "verify", description = "Decrypt every stored message and summary and report any that fail "
            + "(exit 1 if any does). Prints counts and message ids only, never content.")
    static final class Verify extends DeploymentVerb {
        @Override
        void run(Postern p) throws Exception {
            VerifyReport r = p.verifier().verify();
            for (String failure : r.failures()) {
                out().println("FAILED " + failure);
            }
            out().println("verified " + r.messagesOk() + " messages of " + r.users() + " users: " + r.failures().size()
                    + " failed, " + r.orphanBlobs() + " orphan blobs");
            if (!r.healthy()) {
                throw new StoreDamagedException(r.failures().size() + " messages failed verification");
            }
        }
    }

    @Command(name = "purge", description = "Permanently remove messages deleted longer ago than the grace period.")
    static final class Purge extends DeploymentVerb {
        @Option(names = "--older-than-days", paramLabel = "DAYS", defaultValue = "30",
                description = "Grace period in days (default: 30).")
        int days;

        @Override
        void run(Postern p) throws Exception {
            if (days < 0) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--older-than-days must be >= 0");
            }
            int n = p.purger().purgeDeletedOlderThan(Duration.ofDays(days));
            out().println("purged " + n + " messages");
        }
    }

    /** Verification found damage: a failure (exit 1), not a usage error. */
    static final class StoreDamagedException extends RuntimeException {
        StoreDamagedException(String message) {
            super(message);
        }
    }
}
