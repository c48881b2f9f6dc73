package org.postern.mail.webmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.access.Caller;
import org.postern.mail.TestMailStack;
import org.postern.mail.mailbox.MailboxState;
import org.postern.mail.render.MessageRenderer;
import org.postern.mail.render.RenderLimits;
import org.postern.model.DomainName;
import org.postern.model.EmailAddress;
import org.postern.model.InvalidInputException;
import org.postern.model.MessageId;
import org.postern.model.NotFoundException;
import org.postern.model.Role;
import org.postern.store.User;

/** The bounds of {@link Webmail}: pages, the in-memory sorts, the search budget and its cursor. */
class WebmailTest {
    private static final Caller OP = new Caller.Operator();

    @TempDir
    Path dir;

    private TestMailStack stack;
    private Webmail webmail;
    private Caller.User alice;
    private MailboxState inbox;

    @BeforeEach
    void open() {
        stack = new TestMailStack(dir);
        stack.directory.addDomain(OP, DomainName.parse("example.org"), Optional.empty());
        User u = stack.directory.addUser(OP, EmailAddress.parse("alice@example.org"), Role.USER,
                "correct horse battery".toCharArray());
        alice = new Caller.User(u.tenantId(), u.id(), u.role());
        webmail = new Webmail(stack.store, stack.policy, stack.mailboxes, stack.reader,
                new MessageRenderer(RenderLimits.DEFAULT), new Webmail.Limits(10, 5, 4, 2));
        inbox = stack.mailboxes.find(alice, "INBOX").orElseThrow();
        for (int i = 0; i < 7; i++) {
            String raw = "From: s" + i + "@x.example\r\nSubject: m" + i + "\r\n\r\n" + (i % 2 == 0 ? "needle" : "hay")
                    + " " + i + "\r\n";
            stack.mailboxes.append(alice, inbox.id(), new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)),
                    Set.of(), Optional.of(Instant.parse("2026-11-02T10:00:00Z").plusSeconds(i)), 1_000_000);
        }
    }

    @AfterEach
    void close() {
        stack.close();
    }

    private static SearchQuery query(Optional<String> subject, Optional<String> body) {
        return new SearchQuery(Optional.empty(), Optional.empty(), Optional.empty(), subject, body, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Test
    void aDateHeaderParsesOnlyWithinFourDigitYears() {
        assertThat(Webmail.parseDate("Mon, 02 Nov 2026 10:00:00 +0000 (UTC)"))
                .contains(Instant.parse("2026-11-02T10:00:00Z"));
        assertThat(Webmail.parseDate("Fri, 31 Dec 9999 23:00:00 +0000")).isPresent();
        assertThat(Webmail.parseDate("Fri, 31 Dec 9999 23:00:00 -1200")).isEmpty();
        assertThat(Webmail.parseDate("1 Jan 0000 00:30:00 +0100")).isEmpty();
        assertThat(Webmail.parseDate("yesterday")).isEmpty();
        assertThat(Webmail.parseDate(null)).isEmpty();
    }

    @Test
    void searchStopsAtItsScanBudgetAndGoesOnByCursor() {
        List<String> found = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        int calls = 0;
        do {
            Webmail.SearchPage page = webmail.search(alice, query(Optional.of("m"), Optional.empty()), cursor, 10);
            assertThat(page.scanned()).isLessThanOrEqualTo(4);
            page.items().forEach(e -> found.add(e.subject()));
            cursor = page.nextCursor();
            calls++;
        } while (cursor.isPresent() && calls < 10);
        assertThat(found).containsExactly("m6", "m5", "m4", "m3", "m2", "m1", "m0");
        assertThat(calls).isEqualTo(2);
    }

    @Test
    void bodySearchDecodesAtMostItsBodyBudgetPerCall() {
        List<String> found = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        int calls = 0;
        do {
            Webmail.SearchPage page = webmail.search(alice, query(Optional.empty(), Optional.of("NEEDLE")), cursor, 10);
            assertThat(page.scanned()).isLessThanOrEqualTo(2);
            page.items().forEach(e -> found.add(e.subject()));
            cursor = page.nextCursor();
            calls++;
        } while (cursor.isPresent() && calls < 10);
        assertThat(found).containsExactly("m6", "m4", "m2", "m0");
        assertThat(calls).isEqualTo(4);
    }

    @Test
    void inMemorySortsRefuseMailboxesOverTheirBound() {
        assertThatThrownBy(() -> webmail.envelopes(alice, inbox.id(), EnvelopeSort.SUBJECT, false, Optional.empty(), 10))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("arrival");
        Webmail.EnvelopePage page = webmail.envelopes(alice, inbox.id(), EnvelopeSort.ARRIVAL, false, Optional.empty(), 10);
        assertThat(page.items()).hasSize(7);
        assertThatThrownBy(() -> webmail.envelopes(alice, inbox.id(), EnvelopeSort.ARRIVAL, false, Optional.empty(), 11))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("limit");
    }

    @Test
    void badPartIdsFlagsAndUnknownMessagesAreRefusedBeforeAnyRead() {
        MessageId id = webmail.envelopes(alice, inbox.id(), EnvelopeSort.ARRIVAL, true, Optional.empty(), 1).items()
                .getFirst().id();
        assertThatThrownBy(() -> webmail.attachment(alice, id, "../etc")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> webmail.attachment(alice, MessageId.random(), "1")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> webmail.updateFlags(alice, id, Set.of("\\Recent"), Set.of()))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> webmail.updateFlags(alice, id, Set.of("a b"), Set.of()))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> webmail.updateFlags(alice, id, Set.of("x"), Set.of("x")))
                .isInstanceOf(InvalidInputException.class);
        assertThat(webmail.attachment(alice, id, "1").bytes()).asString().contains("needle 6");
    }
}
