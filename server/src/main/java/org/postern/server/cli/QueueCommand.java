package org.postern.server.cli;

import java.util.UUID;
import org.postern.access.Caller;
import org.postern.model.InvalidInputException;
import org.postern.model.NotFoundException;
import org.postern.mta.outbound.OutboundQueue;
import org.postern.server.Postern;
import org.postern.store.queue.QueuedRecipient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "queue", description = "Inspect and control the outbound queue: mail waiting for remote servers.",
        subcommands = {QueueCommand.ListQueue.class, QueueCommand.Show.class, QueueCommand.Retry.class,
                QueueCommand.Delete.class})
final class QueueCommand {

    private static UUID id(String text) {
        try {
            UUID id = UUID.fromString(text);
            if (id.toString().equals(text)) {
                return id;
            }
        } catch (IllegalArgumentException e) {
            // falls through
        }
        throw new InvalidInputException("not a queue id: expected a UUID as printed by queue list");
    }

    private static Object[] recipientRow(OutboundQueue.Entry e, QueuedRecipient r) {
        return new Object[] {"id", e.message().id(), "created", e.message().createdAt(), "from",
                e.message().envelopeFrom(), "recipient", r.recipient(), "state", r.state(), "attempts", r.attempts(),
                "next_attempt", r.nextAttemptAt(), "last_reply", r.lastReply().orElse("")};
    }

    @Command(name = "list", description = "One line per queued recipient: queue id, created, sender, recipient, state, "
            + "attempts, next attempt, last remote reply.")
    static final class ListQueue extends DeploymentVerb {
        @Option(names = "--limit", paramLabel = "N", description = "At most N messages (default 100, at most 500).")
        int limit = 100;

        @Option(names = "--json", description = "One JSON object per line.")
        boolean json;

        @Override
        void run(Postern p) {
            if (limit < 1 || limit > 500) {
                throw new InvalidInputException("--limit must be 1..500");
            }
            var entries = p.outboundQueue().list(new Caller.Operator(), limit);
            var rows = entries.stream().flatMap(e -> e.recipients().stream().map(r -> recipientRow(e, r))).toList();
            Output.rows(out(), json, rows, (Object[] row) -> row);
        }
    }

    @Command(name = "show", description = "One queued message: its size, expiry and every recipient's state.")
    static final class Show extends DeploymentVerb {
        @Parameters(index = "0", paramLabel = "ID", description = "Queue id.")
        String id;

        @Option(names = "--json", description = "One JSON object per line.")
        boolean json;

        @Override
        void run(Postern p) {
            OutboundQueue.Entry e = p.outboundQueue().show(new Caller.Operator(), id(id))
                    .orElseThrow(() -> new NotFoundException("no such queued message"));
            out().println("queue id " + e.message().id() + ", " + e.message().size() + " bytes, created "
                    + e.message().createdAt() + ", expires " + e.message().expiresAt());
            Output.rows(out(), json, e.recipients(), (QueuedRecipient r) -> recipientRow(e, r));
        }
    }

    @Command(name = "retry", description = "Try the message's undelivered recipients now.")
    static final class Retry extends DeploymentVerb {
        @Parameters(index = "0", paramLabel = "ID", description = "Queue id.")
        String id;

        @Override
        void run(Postern p) {
            if (!p.outboundQueue().retry(new Caller.Operator(), id(id))) {
                throw new NotFoundException("no such queued message");
            }
            out().println("queued message " + id + " will be retried now");
        }
    }

    @Command(name = "delete", description = "Remove a message from the queue without delivering it (no bounce is sent).")
    static final class Delete extends DeploymentVerb {
        @Parameters(index = "0", paramLabel = "ID", description = "Queue id.")
        String id;

        @Override
        void run(Postern p) {
            if (!p.outboundQueue().delete(new Caller.Operator(), id(id))) {
                throw new NotFoundException("no such queued message");
            }
            out().println("deleted queued message " + id);
        }
    }
}
