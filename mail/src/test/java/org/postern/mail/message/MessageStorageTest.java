package org.postern.mail.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.mail.TestMailStack;
import org.postern.model.DomainName;
import org.postern.model.EmailAddress;
import org.postern.model.IntegrityException;
import org.postern.model.InvalidInputException;
import org.postern.model.Role;
import org.postern.model.SpecialUse;
import org.postern.store.Mailbox;
import org.postern.store.StoredMessage;
import org.postern.store.User;

class MessageStorageTest {
    private static final Caller OP = new Caller.Operator();
    private static final String SECRET_WORD = "PlumCanary7731";

    @TempDir
    Path dir;

    private TestMailStack stack;
    private User alice;
    private User bob;

    @BeforeEach
    void open() {
        stack = new TestMailStack(dir);
        stack.directory.addDomain(OP, DomainName.parse("example.org"), Optional.empty());
        alice = stack.directory.addUser(OP, EmailAddress.parse("alice@example.org"), Role.USER, "correct horse battery".toCharArray());
        bob = stack.directory.addUser(OP, EmailAddress.parse("bob@example.org"), Role.USER, "correct horse battery".toCharArray());
    }

    @AfterEach
    void close() {
        stack.close();
    }

    private Scope scopeOf(User u) {
        return stack.policy.userScope(OP, u.tenantId(), u.id());
    }

    private Mailbox inbox(User u) {
        return stack.store.inTransaction(tx -> tx.mailboxes().bySpecialUse(scopeOf(u), u.id(), SpecialUse.INBOX)).orElseThrow();
    }

    private StoredMessage deliver(User u, byte[] raw) {
        return stack.writer.append(scopeOf(u), inbox(u).id(), new ByteArrayInputStream(raw), Set.of(), null, 10_000_000);
    }

    static byte[] message(String subject, String body) {
        return ("From: Carol <carol@sender.example>\r\nTo: alice@example.org\r\nSubject: " + subject
                + "\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <m1@sender.example>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n"
                + "--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"" + SECRET_WORD
                + "-invoice.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b1--\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private byte[] read(StoredMessage m) throws IOException {
        try (InputStream in = stack.reader.openRaw(m)) {
            return in.readAllBytes();
        }
    }

    private Path blobFile(StoredMessage m) throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("blobs"))) {
            return files.filter(p -> p.getFileName().toString().equals(m.blobId().toString())).findFirst().orElseThrow();
        }
    }

    @Test
    void aStoredMessageReadsBackByteForByteWithItsSummary() throws Exception {
        byte[] raw = message("Quarterly " + SECRET_WORD, "the body " + SECRET_WORD);
        StoredMessage m = deliver(alice, raw);
        assertThat(m.uid()).isEqualTo(1);
        assertThat(m.size()).isEqualTo(raw.length);
        assertThat(read(m)).isEqualTo(raw);
        MessageSummary s = stack.reader.summary(m);
        assertThat(s.subject()).isEqualTo("Quarterly " + SECRET_WORD);
        assertThat(s.from()).isEqualTo("Carol <carol@sender.example>");
        assertThat(s.messageId()).isEqualTo("<m1@sender.example>");
        assertThat(s.hasAttachments()).isTrue();
        assertThat(s.parts()).extracting(MessageSummary.Part::path).containsExactly("1", "2");
        assertThat(s.parts().get(1).filename()).isEqualTo(SECRET_WORD + "-invoice.pdf");
        assertThat(deliver(alice, raw).uid()).isEqualTo(2);
    }

    @Test
    void nothingOfTheContentIsOnDiskInPlaintext() throws Exception {
        deliver(alice, message("Quarterly " + SECRET_WORD, "the body " + SECRET_WORD));
        stack.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(content).as(f.toString()).doesNotContain(SECRET_WORD).doesNotContain("carol@sender");
            }
        }
    }

    @Test
    void aTamperedBlobFailsToDecryptWithAClearError() throws Exception {
        StoredMessage m = deliver(alice, message("hello", "body"));
        Path f = blobFile(m);
        byte[] bytes = Files.readAllBytes(f);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(f, bytes);
        assertThatThrownBy(() -> read(m)).isInstanceOf(IntegrityException.class);
        assertThat(stack.verifier.verify().failures()).singleElement().asString().contains(m.id().toString());
    }

    @Test
    void aBlobSwappedWithAnotherUsersFailsToDecrypt() throws Exception {
        StoredMessage ofAlice = deliver(alice, message("for alice", "alice's body"));
        StoredMessage ofBob = deliver(bob, message("for bob", "bob's body"));
        Files.copy(blobFile(ofAlice), blobFile(ofBob), StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> read(ofBob)).isInstanceOf(IntegrityException.class);
        assertThat(read(ofAlice)).isEqualTo(message("for alice", "alice's body"));
    }

    @Test
    void aBlobSwappedWithinOneUsersMailFailsToDecrypt() throws Exception {
        StoredMessage first = deliver(alice, message("first", "one"));
        StoredMessage second = deliver(alice, message("second", "two"));
        Files.copy(blobFile(first), blobFile(second), StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> read(second)).isInstanceOf(IntegrityException.class);
    }

    @Test
    void destroyingAUsersDataKeyMakesTheirMailUnreadableAndNoOneElses() throws Exception {
        StoredMessage ofAlice = deliver(alice, message("for alice", "alice's body"));
        StoredMessage ofBob = deliver(bob, message("for bob", "bob's body"));
        assertThat(stack.dataKeys.destroy(scopeOf(alice), alice.id())).isTrue();
        assertThatThrownBy(() -> read(ofAlice)).isInstanceOf(IntegrityException.class).hasMessageContaining("data key");
        assertThatThrownBy(() -> stack.reader.summary(ofAlice)).isInstanceOf(IntegrityException.class);
        assertThat(read(ofBob)).isEqualTo(message("for bob", "bob's body"));
    }

    @Test
    void rotatingTheMasterKeyLeavesAllMailReadable() throws Exception {
        StoredMessage m = deliver(alice, message("before rotation", "body"));
        String oldKey = stack.ring.get().activeKeyId();
        var next = stack.ring.get().withNewActiveKey();
        stack.ring.set(next);
        assertThat(stack.dataKeys.rewrapAll(next)).isEqualTo(2);
        stack.ring.set(next.withoutKey(oldKey));
        assertThat(stack.dataKeys.masterKeyIdsInUse()).containsExactly(next.activeKeyId());
        assertThat(read(m)).isEqualTo(message("before rotation", "body"));
        assertThat(stack.verifier.verify().healthy()).isTrue();
    }

    @Test
    void anOversizedMessageIsRefusedAndLeavesNothingBehind() throws Exception {
        byte[] big = message("big", "x".repeat(5000));
        assertThatThrownBy(() -> stack.writer.append(scopeOf(alice), inbox(alice).id(), new ByteArrayInputStream(big),
                Set.of(), null, 1000)).isInstanceOf(InvalidInputException.class);
        assertThat(stack.rawBlobs.list()).isEmpty();
        Mailbox box = inbox(alice);
        List<StoredMessage> left = stack.store.inTransaction(tx -> tx.messages().list(scopeOf(alice), box.id()));
        assertThat(left).isEmpty();
    }

    @Test
    void brokenMimeIsStillStoredWhole() throws Exception {
        byte[] broken = ("Subject: broken\r\nContent-Type: multipart/mixed; boundary=\"never\"\r\n\r\n"
                + "--wrong\r\nno end \u0000 of anything").getBytes(StandardCharsets.ISO_8859_1);
        StoredMessage m = deliver(alice, broken);
        assertThat(read(m)).isEqualTo(broken);
        assertThat(stack.reader.summary(m).subject()).isEqualTo("broken");
    }

    @Test
    void anotherUsersScopeCannotReadOrAppend() {
        StoredMessage m = deliver(alice, message("private", "body"));
        assertThatThrownBy(() -> stack.reader.message(scopeOf(bob), m.id()))
                .isInstanceOf(org.postern.model.NotFoundException.class);
        assertThatThrownBy(() -> stack.writer.append(scopeOf(bob), inbox(alice).id(),
                new ByteArrayInputStream(message("x", "y")), Set.of(), null, 10_000))
                .isInstanceOf(org.postern.model.NotFoundException.class);
    }

    @Test
    void softDeletedMessagesArePurgedWithTheirBlobAfterTheGracePeriod() throws Exception {
        StoredMessage m = deliver(alice, message("to delete", "body"));
        stack.store.inTransaction(tx -> tx.messages().markDeleted(scopeOf(alice), m.id(), Instant.now().minus(Duration.ofDays(2))));
        assertThat(stack.purger.purgeDeletedOlderThan(Duration.ofDays(3))).isZero();
        assertThat(stack.rawBlobs.list()).hasSize(1);
        assertThat(stack.purger.purgeDeletedOlderThan(Duration.ofDays(1))).isEqualTo(1);
        assertThat(stack.rawBlobs.list()).isEmpty();
        Optional<StoredMessage> gone = stack.store.inTransaction(tx -> tx.messages().byId(scopeOf(alice), m.id()));
        assertThat(gone).isEmpty();
    }

    @Test
    void aBigMessageStreamsThroughInBoundedMemory() throws Exception {
        byte[] chunk = ("Subject: big\r\n\r\n" + "0123456789abcdef".repeat(64) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        long total = 8L * 1024 * 1024;
        InputStream generated = new InputStream() {
            long sent;

            @Override
            public int read() {
                return sent < total ? chunk[(int) (sent++ % chunk.length)] : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (sent >= total) {
                    return -1;
                }
                int n = (int) Math.min(len, total - sent);
                for (int i = 0; i < n; i++) {
                    b[off + i] = chunk[(int) ((sent + i) % chunk.length)];
                }
                sent += n;
                return n;
            }
        };
        StoredMessage m = stack.writer.append(scopeOf(alice), inbox(alice).id(), generated, Set.of(), null, total);
        assertThat(m.size()).isEqualTo(total);
        try (InputStream in = stack.reader.openRaw(m)) {
            assertThat(in.transferTo(java.io.OutputStream.nullOutputStream())).isEqualTo(total);
        }
    }

    @Test
    void internalDateIsKeptAsGiven() {
        Instant when = Instant.parse("2020-01-02T03:04:05Z");
        StoredMessage m = stack.writer.append(scopeOf(alice), inbox(alice).id(),
                new ByteArrayInputStream(message("dated", "x")), Set.of("\\Seen"), when, 10_000);
        assertThat(m.internalDate()).isEqualTo(when);
        assertThat(m.flags()).containsExactly("\\Seen");
    }
}
