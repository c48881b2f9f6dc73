package org.postern.server.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.mail.message.MessageSummary;
import org.postern.model.DomainName;
import org.postern.model.EmailAddress;
import org.postern.model.Role;
import org.postern.server.Postern;
import org.postern.server.config.ConfigLoader;
import org.postern.store.Mailbox;
import org.postern.store.StoredMessage;
import org.postern.store.User;

/**
 * A data directory opened in the test's own JVM, as an admin CLI command opens it (beside a
 * running server or after it stopped): to set accounts up without a JVM start per step, and to
 * read stored mail back decrypted, which no CLI verb shows.
 */
final class Deployment implements AutoCloseable {
    private static final Caller OPERATOR = new Caller.Operator();

    private final Postern postern;

    private Deployment(Postern postern) {
        this.postern = postern;
    }

    static Deployment open(Path dataDir) {
        return new Deployment(Postern.open(new ConfigLoader(Map.of("POSTERN_DATA_DIR", dataDir.toString()))
                .load(Optional.empty(), Optional.empty())));
    }

    /** One stored message: its row, its decrypted summary and its decrypted raw content. */
    record Mail(StoredMessage row, MessageSummary summary, byte[] raw) {
        String text() {
            return new String(raw, StandardCharsets.UTF_8);
        }

        /** The Message-ID as the summary holds it (with or without angle brackets). */
        String messageId() {
            String id = summary.messageId();
            return id == null ? "" : id.strip().replaceAll("^<|>$", "");
        }

        /** The header section, unfolded lines. */
        List<String> headerFields() {
            String text = text();
            int end = text.indexOf("\r\n\r\n");
            String header = end < 0 ? text : text.substring(0, end);
            return List.of(header.replace("\r\n\t", " ").replace("\r\n ", " ").split("\r\n"));
        }
    }

    Deployment domain(String name) {
        postern.directory().addDomain(OPERATOR, DomainName.parse(name), Optional.empty());
        return this;
    }

    Deployment user(String login) {
        return user(login, Role.USER);
    }

    Deployment user(String login, Role role) {
        postern.directory().addUser(OPERATOR, EmailAddress.parse(login), role,
                "correct horse battery staple".toCharArray());
        return this;
    }

    /** A new tenant with one domain. */
    Deployment tenantDomain(String tenant, String domain) {
        postern.directory().addTenant(OPERATOR, tenant);
        postern.directory().addDomain(OPERATOR, DomainName.parse(domain), Optional.of(tenant));
        return this;
    }

    Deployment address(String owner, String address) {
        postern.directory().addAddress(OPERATOR, EmailAddress.parse(owner), EmailAddress.parse(address), Optional.empty());
        return this;
    }

    Deployment revoke(String address) {
        postern.directory().revokeAddress(OPERATOR, EmailAddress.parse(address));
        return this;
    }

    Deployment disable(String login) {
        postern.directory().setDisabled(OPERATOR, EmailAddress.parse(login), true);
        return this;
    }

    /** Every message of {@code login} in {@code mailbox}, decrypted (a tampered one throws). */
    List<Mail> messages(String login, String mailbox) {
        User user = postern.directory().user(OPERATOR, EmailAddress.parse(login))
                .orElseThrow(() -> new AssertionError("no such user " + login));
        Scope scope = postern.policy().userScope(OPERATOR, user.tenantId(), user.id());
        List<StoredMessage> rows = postern.store().inTransaction(tx -> {
            Mailbox box = tx.mailboxes().byName(scope, user.id(), mailbox)
                    .orElseThrow(() -> new AssertionError("no mailbox " + mailbox + " for " + login));
            return tx.messages().list(scope, box.id());
        });
        List<Mail> mails = new ArrayList<>(rows.size());
        for (StoredMessage row : rows) {
            try (InputStream in = postern.reader().openRaw(row)) {
                mails.add(new Mail(row, postern.reader().summary(row), in.readAllBytes()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return mails;
    }

    /** Opens the data directory, reads one mailbox and closes it again. */
    static List<Mail> messages(Path dataDir, String login, String mailbox) {
        try (Deployment d = open(dataDir)) {
            return d.messages(login, mailbox);
        }
    }

    /** The message with this Message-ID in the mailbox, if any. */
    static Optional<Mail> find(Path dataDir, String login, String mailbox, String messageId) {
        return messages(dataDir, login, mailbox).stream().filter(m -> m.messageId().equals(messageId)).findFirst();
    }

    @Override
    public void close() {
        postern.close();
    }
}
