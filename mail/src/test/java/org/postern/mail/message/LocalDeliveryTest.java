package org.postern.mail.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.access.Caller;
import org.postern.mail.TestMailStack;
import org.postern.mail.directory.Recipient;
import org.postern.model.DomainName;
import org.postern.model.EmailAddress;
import org.postern.model.Role;
import org.postern.model.SpecialUse;
import org.postern.store.StoredMessage;
import org.postern.store.User;

/** Delivery records the address a copy arrived on, except in Sent; a copy (IMAP COPY, API move) keeps it. */
class LocalDeliveryTest {
    private static final Caller OP = new Caller.Operator();
    private static final byte[] MESSAGE = "Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private TestMailStack stack;
    private LocalDelivery delivery;

    @BeforeEach
    void open() {
        stack = new TestMailStack(dir);
        delivery = new LocalDelivery(stack.store, stack.policy, stack.writer);
        stack.directory.addDomain(OP, DomainName.parse("example.org"), Optional.empty());
        stack.directory.addUser(OP, EmailAddress.parse("alice@example.org"), Role.USER,
                "correct horse battery".toCharArray());
    }

    @AfterEach
    void close() {
        stack.close();
    }

    @Test
    void inboxCopiesRecordTheAddressSentCopiesDoNot() {
        Recipient alice = stack.directory.resolveRecipient(OP, EmailAddress.parse("alice@example.org")).orElseThrow();
        assertThat(alice.addressId()).isPresent();
        StoredMessage inbox = delivery.deliver(alice, SpecialUse.INBOX, new ByteArrayInputStream(MESSAGE), Instant.now(),
                1_000_000);
        StoredMessage sent = delivery.deliver(alice, SpecialUse.SENT, new ByteArrayInputStream(MESSAGE), Instant.now(),
                1_000_000);
        Recipient routed = new Recipient(alice.tenantId(), alice.ownerId(), Optional.empty());
        StoredMessage postmaster = delivery.deliver(routed, SpecialUse.INBOX, new ByteArrayInputStream(MESSAGE),
                Instant.now(), 1_000_000);
        assertThat(inbox.deliveredTo()).isEqualTo(alice.addressId());
        assertThat(sent.deliveredTo()).isEmpty();
        assertThat(postmaster.deliveredTo()).isEmpty();

        User owner = stack.directory.user(OP, EmailAddress.parse("alice@example.org")).orElseThrow();
        Caller.User user = new Caller.User(owner.tenantId(), owner.id(), owner.role());
        var archive = stack.mailboxes.find(user, "Archive").orElseThrow();
        var copy = stack.mailboxes.copy(user, java.util.List.of(inbox.id()), archive.id()).getFirst();
        StoredMessage copied = stack.reader.message(stack.policy.userScope(user, user.tenantId(), user.userId()), copy.id());
        assertThat(copied.deliveredTo()).isEqualTo(alice.addressId());
    }
}
