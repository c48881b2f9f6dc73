package org.postern.server.cli;

import java.util.Optional;
import org.postern.access.Caller;
import org.postern.auth.audit.AuditVerification;
import org.postern.model.EmailAddress;
import org.postern.model.UserId;
import org.postern.server.Postern;
import org.postern.store.User;
import org.postern.store.identity.AuditEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "audit-log", description = "The tamper-evident audit log.",
        subcommands = {AuditLogCommand.Verify.class, AuditLogCommand.ListEntries.class})
final class AuditLogCommand {

    /** The chain does not verify: someone edited, deleted or reordered entries. */
    static final class AuditLogBrokenException extends RuntimeException {
        AuditLogBrokenException(String message) {
            super(message);
        }
    }

    @Command(name = "verify", description = "Check the hash chain of every entry; fails (exit 1) naming the first"
            + " entry that was edited, deleted or reordered.")
    static final class Verify extends DeploymentVerb {
        @Override
        void run(Postern p) {
            AuditVerification result = p.identity().audit().verify();
            if (!result.ok()) {
                throw new AuditLogBrokenException("audit log broken at entry " + result.firstBadSeq().getAsLong() + ": "
                        + result.problem() + " (" + result.entriesChecked() + " entries checked)");
            }
            out().println("audit log intact: " + result.entriesChecked() + " entries");
        }
    }

    @Command(name = "list", description = "Show entries, newest first: seq, time, actor, action, outcome, ip, details.")
    static final class ListEntries extends DeploymentVerb {
        @Option(names = "--user", paramLabel = "EMAIL", converter = Converters.Email.class,
                description = "Only entries about this user.")
        EmailAddress user;

        @Option(names = "--limit", paramLabel = "N", description = "At most N entries (default 50, at most 500).")
        int limit = 50;

        @Option(names = "--json", description = "One JSON object per line.")
        boolean json;

        @Override
        void run(Postern p) {
            Caller operator = new Caller.Operator();
            Optional<UserId> subject = Optional.empty();
            if (user != null) {
                subject = Optional.of(p.directory().user(operator, user).map(User::id)
                        .orElseThrow(() -> new org.postern.model.NotFoundException("no such user")));
            }
            if (limit < 1 || limit > 500) {
                throw new org.postern.model.InvalidInputException("--limit must be 1..500");
            }
            var entries = p.identity().tenantSecurity().auditLog(operator, subject, Optional.empty(), limit);
            Output.rows(out(), json, entries, (AuditEntry e) -> new Object[] {"seq", e.seq(), "at", e.at(),
                    "actor", e.actor(), "action", e.action(), "outcome", e.outcome(), "ip", e.ip(),
                    "user", e.subject().map(Object::toString).orElse(""), "details", e.details()});
        }
    }
}
