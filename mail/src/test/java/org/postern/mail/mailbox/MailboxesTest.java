package org.postern.mail.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.access.Caller;
import org.postern.mail.TestMailStack;
import org.postern.model.ConflictException;
import org.postern.model.DomainName;
import org.postern.model.EmailAddress;
import org.postern.model.InvalidInputException;
import org.postern.model.NotFoundException;
import org.postern.model.Role;
import org.postern.store.User;

class MailboxesTest {
    private static final Caller OP = new Caller.Operator();
    private static final byte[] MESSAGE = "Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private TestMailStack stack;
    private Caller.User alice;
    private Caller.User bob;

    @BeforeEach
    void open() {
        stack = new TestMailStack(dir);
        stack.directory.addDomain(OP, DomainName.parse("example.org"), Optional.empty());
        alice = caller(stack.directory.addUser(OP, EmailAddress.parse("alice@example.org"), Role.USER,
                "correct horse battery".toCharArray()));
        bob = caller(stack.directory.addUser(OP, EmailAddress.parse("bob@example.org"), Role.USER,
                "correct horse battery".toCharArray()));
    }

    @AfterEach
    void close() {
        stack.close();
    }

    private static Caller.User caller(User u) {
        return new Caller.User(u.tenantId(), u.id(), u.role());
    }

    private MailboxState inbox(Caller.User u) {
        return stack.mailboxes.find(u, "INBOX").orElseThrow();
    }

    private MessageState append(Caller.User u, MailboxState box) {
        return stack.mailboxes.append(u, box.id(), new ByteArrayInputStream(MESSAGE), Set.of("\\Flagged"),
                Optional.of(Instant.parse("2024-05-01T10:00:00Z")), 1 << 20);
    }

    @Test
    void everyUserStartsWithTheSpecialUseMailboxes() {
        assertThat(stack.mailboxes.list(alice)).extracting(MailboxState::name)
                .containsExactlyInAnyOrder("INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive");
    }

    @Test
    void appendFlagsExpungeAndSnapshotsAgree() throws Exception {
        MailboxState box = inbox(alice);
        MessageState first = append(alice, box);
        MessageState second = append(alice, box);
        assertThat(second.uid()).isGreaterThan(first.uid());
        assertThat(first.flags()).containsExactly("\\Flagged");
        MessageState seen = stack.mailboxes.setFlags(alice, first.id(), Set.of("\\Seen")).orElseThrow();
        assertThat(seen.modSeq()).isGreaterThan(second.modSeq());
        assertThat(stack.mailboxes.expunge(alice, List.of(second.id()))).isEqualTo(1);
        Snapshot snap = stack.mailboxes.snapshot(alice, box.id()).orElseThrow();
        assertThat(snap.messages()).extracting(MessageState::uid).containsExactly(first.uid());
        assertThat(snap.mailbox().uidNext()).isEqualTo(second.uid() + 1);
        assertThat(snap.mailbox().highestModSeq()).isGreaterThanOrEqualTo(seen.modSeq());
        try (InputStream in = stack.mailboxes.openRaw(alice, first.id())) {
            assertThat(in.readAllBytes()).isEqualTo(MESSAGE);
        }
    }

    @Test
    void anotherUserReachesNothing() {
        MailboxState box = inbox(alice);
        MessageState m = append(alice, box);
        assertThat(stack.mailboxes.snapshot(bob, box.id())).isEmpty();
        assertThat(stack.mailboxes.state(bob, box.id())).isEmpty();
        assertThat(stack.mailboxes.setFlags(bob, m.id(), Set.of())).isEmpty();
        assertThat(stack.mailboxes.expunge(bob, List.of(m.id()))).isZero();
        assertThatThrownBy(() -> stack.mailboxes.openRaw(bob, m.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> append(bob, box)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> stack.mailboxes.copy(bob, List.of(m.id()), inbox(bob).id()))
                .isInstanceOf(NotFoundException.class);
        assertThat(stack.mailboxes.snapshot(bob, inbox(bob).id()).orElseThrow().messages()).isEmpty();
    }

    @Test
    void copyKeepsFlagsAndDatesWithNewUids() {
        MailboxState box = inbox(alice);
        MessageState m = append(alice, box);
        MailboxState archive = stack.mailboxes.find(alice, "Archive").orElseThrow();
        List<MessageState> copies = stack.mailboxes.copy(alice, List.of(m.id()), archive.id());
        assertThat(copies).hasSize(1);
        assertThat(copies.getFirst().flags()).isEqualTo(m.flags());
        assertThat(copies.getFirst().internalDate()).isEqualTo(m.internalDate());
        assertThat(copies.getFirst().uid()).isEqualTo(archive.uidNext());
    }

    @Test
    void createRenameWithChildrenSubscribeAndDelete() {
        stack.mailboxes.create(alice, "Projects", Optional.empty());
        stack.mailboxes.create(alice, "Projects/2024", Optional.empty());
        assertThatThrownBy(() -> stack.mailboxes.create(alice, "Projects", Optional.empty()))
                .isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> stack.mailboxes.create(alice, "a//b", Optional.empty()))
                .isInstanceOf(InvalidInputException.class);
        assertThat(stack.mailboxes.rename(alice, "Projects", "Work")).isTrue();
        assertThat(stack.mailboxes.list(alice)).extracting(MailboxState::name).contains("Work", "Work/2024")
                .doesNotContain("Projects", "Projects/2024");
        assertThat(stack.mailboxes.rename(bob, "Work", "Stolen")).isFalse();
        assertThat(stack.mailboxes.setSubscribed(alice, "Work", false)).isTrue();
        assertThat(stack.mailboxes.find(alice, "Work").orElseThrow().subscribed()).isFalse();
        assertThat(stack.mailboxes.delete(bob, "Work")).isFalse();
        assertThat(stack.mailboxes.delete(alice, "Work/2024")).isTrue();
        assertThat(stack.mailboxes.find(alice, "Work/2024")).isEmpty();
        assertThatThrownBy(() -> stack.mailboxes.delete(alice, "INBOX")).isInstanceOf(InvalidInputException.class);
    }
}
