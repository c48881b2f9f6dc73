package org.postern.store.sql;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.model.BlobId;
import org.postern.model.MailboxId;
import org.postern.model.MessageId;
import org.postern.store.NewMessage;

/**
 * A second process writing the same SQLite file, as the admin command line does while the server
 * runs: {@code SqliteWriterProcess <file> <mailboxId> <count>} creates tenants and appends
 * messages, one transaction each, and prints "done <count>".
 */
public final class SqliteWriterProcess {
    private SqliteWriterProcess() {}

    public static void main(String[] args) {
        Scope server = new AccessPolicy().scopeFor(new Caller.System("test-writer"));
        MailboxId mailbox = MailboxId.parse(args[1]);
        int count = Integer.parseInt(args[2]);
        try (SqlMetadataStore store = SqlMetadataStore.openSqlite(Path.of(args[0]))) {
            for (int i = 0; i < count; i++) {
                int n = i;
                store.inTransaction(r -> r.tenants().create(server, "process-tenant-" + ProcessHandle.current().pid() + "-" + n));
                store.inTransaction(r -> r.messages().append(server, mailbox, new NewMessage(MessageId.random(), Set.of(),
                        Instant.now(), 10, null, BlobId.random())));
            }
        }
        System.out.println("done " + count);
    }
}
