package org.postern.server.cli;

import org.postern.access.Caller;
import org.postern.auth.account.Notifier;
import org.postern.server.Postern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "outbox", description = "Notices Postern sends itself (verification and recovery codes, security"
        + " notices), kept encrypted until outbound mail delivers them.",
        subcommands = {OutboxCommand.ListNotices.class})
final class OutboxCommand {

    @Command(name = "list", description = "Show the newest notices, decrypted: time, recipient, kind, subject, body.")
    static final class ListNotices extends DeploymentVerb {
        @Option(names = "--limit", paramLabel = "N", description = "At most N notices (default 20, at most 500).")
        int limit = 20;

        @Option(names = "--json", description = "One JSON object per line.")
        boolean json;

        @Override
        void run(Postern p) {
            if (limit < 1 || limit > 500) {
                throw new org.postern.model.InvalidInputException("--limit must be 1..500");
            }
            var notices = p.identity().notifier().read(new Caller.Operator(), limit);
            Output.rows(out(), json, notices, (Notifier.Notice n) -> new Object[] {"created", n.createdAt(),
                    "recipient", n.recipient(), "kind", n.kind(), "subject", n.subject(), "body", n.body()});
        }
    }
}
