package org.postern.mail.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.access.Caller;
import org.postern.crypto.PasswordHasher;
import org.postern.mail.TestMailStack;
import org.postern.mail.message.LocalDelivery;
import org.postern.model.DomainName;
import org.postern.model.EmailAddress;
import org.postern.model.Role;
import org.postern.model.SpecialUse;
import org.postern.store.User;

/** The storage quota at RCPT TO: an account at or over it is refused, postmaster mail never is. */
class DirectoryQuotaTest {
    private static final Caller OP = new Caller.Operator();
    private static final Caller INTAKE = new Caller.System("smtp-inbound");
    private static final byte[] MESSAGE = ("Subject: filler\r\n\r\n" + "x".repeat(400) + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private TestMailStack stack;
    private Directory directory;
    private LocalDelivery delivery;

    @BeforeEach
    void open() {
        stack = new TestMailStack(dir);
        // The same store and keys as the stack, with a quota of about two messages.
        directory = new Directory(stack.store, stack.policy, stack.dataKeys, stack.sealer,
                new PasswordHasher(new PasswordHasher.Params(1024, 1, 1)), Clock.systemUTC(), MESSAGE.length * 2L);
        delivery = new LocalDelivery(stack.store, stack.policy, stack.writer);
        directory.addDomain(OP, DomainName.parse("example.org"), Optional.empty());
        user("alice@example.org", Role.USER);
        user("root@example.org", Role.SERVER_ADMIN);
    }

    @AfterEach
    void close() {
        stack.close();
    }

    private static EmailAddress a(String s) {
        return EmailAddress.parse(s);
    }

    private User user(String login, Role role) {
        return directory.addUser(OP, a(login), role, "correct horse battery".toCharArray());
    }

    private java.util.List<org.postern.model.MessageId> fill(String login, int messages) {
        Recipient r = ((RecipientCheck.Accepted) directory.checkRecipient(INTAKE, a(login))).recipient();
        java.util.List<org.postern.model.MessageId> ids = new java.util.ArrayList<>();
        for (int i = 0; i < messages; i++) {
            ids.add(delivery.deliver(r, SpecialUse.INBOX, new ByteArrayInputStream(MESSAGE), Instant.now(), 1_000_000)
                    .id());
        }
        return ids;
    }

    @Test
    void belowTheQuotaIsAcceptedAtItIsRefused() {
        fill("alice@example.org", 1);
        assertThat(directory.checkRecipient(INTAKE, a("alice@example.org"))).isInstanceOf(RecipientCheck.Accepted.class);
        fill("alice@example.org", 1);
        assertThat(directory.checkRecipient(INTAKE, a("alice@example.org"))).isInstanceOf(RecipientCheck.OverQuota.class);
        assertThat(directory.resolveRecipient(INTAKE, a("alice@example.org"))).isEmpty();
    }

    @Test
    void oneFullAccountDoesNotRefuseAnother() {
        fill("alice@example.org", 2);
        assertThat(directory.checkRecipient(INTAKE, a("root@example.org"))).isInstanceOf(RecipientCheck.Accepted.class);
    }

    @Test
    void expungedMailNoLongerCounts() {
        var ids = fill("alice@example.org", 2);
        User alice = directory.user(OP, a("alice@example.org")).orElseThrow();
        Caller.User caller = new Caller.User(alice.tenantId(), alice.id(), alice.role());
        assertThat(directory.checkRecipient(INTAKE, a("alice@example.org"))).isInstanceOf(RecipientCheck.OverQuota.class);
        stack.mailboxes.expunge(caller, ids.subList(0, 1));
        assertThat(directory.checkRecipient(INTAKE, a("alice@example.org"))).isInstanceOf(RecipientCheck.Accepted.class);
    }

    @Test
    void postmasterMailIsAcceptedOverQuota() {
        // The routed postmaster (an admin) and a user's own postmaster@ address both stay reachable.
        fill("root@example.org", 3);
        assertThat(directory.checkPostmaster(INTAKE)).isInstanceOf(RecipientCheck.Accepted.class);
        assertThat(directory.checkRecipient(INTAKE, a("postmaster@example.org")))
                .isInstanceOf(RecipientCheck.Accepted.class);
        user("postmaster@example.org", Role.USER);
        fill("postmaster@example.org", 3);
        assertThat(directory.checkRecipient(INTAKE, a("postmaster@example.org")))
                .isInstanceOf(RecipientCheck.Accepted.class);
        assertThat(directory.checkRecipient(INTAKE, a("root@example.org"))).isInstanceOf(RecipientCheck.OverQuota.class);
    }

    @Test
    void noQuotaMeansNoLimitAndANegativeOneIsRefused() {
        fill("alice@example.org", 5);
        assertThat(stack.directory.checkRecipient(INTAKE, a("alice@example.org")))
                .isInstanceOf(RecipientCheck.Accepted.class);
        assertThatThrownBy(() -> new Directory(stack.store, stack.policy, stack.dataKeys, stack.sealer,
                new PasswordHasher(new PasswordHasher.Params(1024, 1, 1)), Clock.systemUTC(), -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
