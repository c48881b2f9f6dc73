package org.postern.server.cli;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.model.EmailAddress;
import org.postern.model.NotFoundException;
import org.postern.server.Postern;
import org.postern.store.Mailbox;
import org.postern.store.StoredMessage;
import org.postern.store.User;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "mail", description = "Operate on users' mail.", subcommands = {MailCommand.Import.class, MailCommand.ListMessages.class})
final class MailCommand {

    @Command(name = "import", description = "Store one RFC 5322 message (from FILE or standard input) in a user's "
            + "mailbox, encrypted, as local delivery would; for migrations and scripts.")
    static final class Import extends DeploymentVerb {
        @Parameters(index = "0", paramLabel = "OWNER", converter = Converters.Email.class, description = "The user's login.")
        EmailAddress owner;

        @Parameters(index = "1", paramLabel = "FILE", arity = "0..1", description = "Message file (default: standard input).")
        Path file;

        @Option(names = "--mailbox", paramLabel = "NAME", defaultValue = "INBOX", description = "Target mailbox (default: INBOX).")
        String mailbox;

        @Option(names = "--seen", description = "Mark the message as read.")
        boolean seen;

        @Override
        void run(Postern p) throws Exception {
            Caller op = new Caller.Operator();
            User user = p.directory().user(op, owner).orElseThrow(() -> new NotFoundException("no such user"));
            Scope scope = p.policy().userScope(op, user.tenantId(), user.id());
            Mailbox box = p.store().inTransaction(tx -> tx.mailboxes().byName(scope, user.id(), mailbox))
                    .orElseThrow(() -> new NotFoundException("no such mailbox: " + mailbox));
            try (InputStream in = new BufferedInputStream(file == null ? System.in : Files.newInputStream(file))) {
                StoredMessage m = p.writer().append(scope, box.id(), in, seen ? Set.of("\\Seen") : Set.of(), null,
                        p.config().maxMessageBytes());
                out().println("stored message " + m.id() + " as UID " + m.uid() + " in " + box.name());
            }
        }
    }

    @Command(name = "list", description = "List a user's messages in one mailbox: uid, internal date, size, flags. "
            + "Content (subjects, addresses) is never shown.")
    static final class ListMessages extends DeploymentVerb {
        @Parameters(index = "0", paramLabel = "OWNER", converter = Converters.Email.class, description = "The user's login.")
        EmailAddress owner;

        @Option(names = "--mailbox", paramLabel = "NAME", defaultValue = "INBOX", description = "Mailbox (default: INBOX).")
        String mailbox;

        @Option(names = "--json", description = "One JSON object per line.")
        boolean json;

        @Override
        void run(Postern p) {
            Caller op = new Caller.Operator();
            User user = p.directory().user(op, owner).orElseThrow(() -> new NotFoundException("no such user"));
            Scope scope = p.policy().userScope(op, user.tenantId(), user.id());
            java.util.List<StoredMessage> messages = p.store().inTransaction(tx -> {
                Mailbox box = tx.mailboxes().byName(scope, user.id(), mailbox)
                        .orElseThrow(() -> new NotFoundException("no such mailbox: " + mailbox));
                return tx.messages().list(scope, box.id());
            });
            Output.rows(out(), json, messages, m -> new Object[] {"uid", m.uid(), "date", m.internalDate(), "size",
                    m.size(), "flags", String.join(" ", new java.util.TreeSet<>(m.flags()))});
        }
    }
}
