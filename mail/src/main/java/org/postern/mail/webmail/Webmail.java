package org.postern.mail.webmail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.mail.mailbox.MailboxState;
import org.postern.mail.mailbox.Mailboxes;
import org.postern.mail.message.MessageReader;
import org.postern.mail.message.MessageSummary;
import org.postern.mail.render.ContentTypes;
import org.postern.mail.render.MessageRenderer;
import org.postern.mail.render.MimePart;
import org.postern.mail.render.RenderedMessage;
import org.postern.mail.render.SafeFileName;
import org.postern.model.AddressId;
import org.postern.model.EmailAddress;
import org.postern.model.InvalidInputException;
import org.postern.model.MailboxId;
import org.postern.model.MessageId;
import org.postern.model.NotFoundException;
import org.postern.model.SpecialUse;
import org.postern.store.Address;
import org.postern.store.MessagePage;
import org.postern.store.MessageRepository;
import org.postern.store.MetadataStore;
import org.postern.store.StoredMessage;

/**
 * A signed-in user's mail as the web app and scripts see it: mailboxes with counts, envelope
 * pages, a message rendered safely, its attachments and inline images, flags, move, delete and
 * search. Every call takes the {@link Caller.User} and reads through
 * {@link AccessPolicy#userScope} of that user only; a message, mailbox, address or part that is
 * another user's or tenant's is "not found", exactly like one that does not exist. Changes go
 * through {@link Mailboxes}, so the API and IMAP share one implementation of flags and moves.
 *
 * <p>Work per call is bounded ({@link Limits}): pages are capped, the sorts that need decrypted
 * headers only run on mailboxes up to a size, and a search scans a bounded number of messages
 * (and of bodies) per call, handing back a cursor to go on.
 */
public final class Webmail {
    /**
     * @param maxPage envelopes per page at most
     * @param maxSortMessages largest mailbox the in-memory sorts (date, from, subject) accept
     * @param maxSearchScan messages one search call looks at
     * @param maxSearchBodies message bodies one search call decrypts and decodes
     */
    public record Limits(int maxPage, int maxSortMessages, int maxSearchScan, int maxSearchBodies) {
        public static final Limits DEFAULT = new Limits(200, 5_000, 2_000, 200);
    }

    private static final Set<String> SYSTEM_FLAGS = Set.of("\\Seen", "\\Answered", "\\Flagged", "\\Draft", "\\Deleted");
    private static final Pattern KEYWORD = Pattern.compile("[A-Za-z0-9_.$-]{1,64}");
    private static final int MAX_FLAGS = 20;
    private static final int SEARCH_BATCH = 200;

    private final MetadataStore store;
    private final AccessPolicy policy;
    private final Mailboxes mailboxes;
    private final MessageReader reader;
    private final MessageRenderer renderer;
    private final Limits limits;

    public Webmail(MetadataStore store, AccessPolicy policy, Mailboxes mailboxes, MessageReader reader,
            MessageRenderer renderer, Limits limits) {
        this.store = Objects.requireNonNull(store);
        this.policy = Objects.requireNonNull(policy);
        this.mailboxes = Objects.requireNonNull(mailboxes);
        this.reader = Objects.requireNonNull(reader);
        this.renderer = Objects.requireNonNull(renderer);
        this.limits = Objects.requireNonNull(limits);
    }

    public Limits limits() {
        return limits;
    }

    private Scope scope(Caller.User user) {
        return policy.userScope(user, user.tenantId(), user.userId());
    }

    // ---------------------------------------------------------------- reading

    /** Every mailbox of the user with its total and unseen counts (one grouped count in SQL). */
    public List<MailboxSummary> mailboxes(Caller.User user) {
        Scope scope = scope(user);
        Map<MailboxId, MessageRepository.MailboxCount> counts = new HashMap<>();
        List<MailboxState> boxes = mailboxes.list(user);
        store.inTransaction(tx -> tx.messages().countByMailbox(scope, user.userId())).forEach(c -> counts.put(c.mailbox(), c));
        return boxes.stream().map(b -> {
            MessageRepository.MailboxCount c = counts.get(b.id());
            return new MailboxSummary(b.id(), b.name(), b.specialUse(), c == null ? 0 : c.total(),
                    c == null ? 0 : c.unseen());
        }).toList();
    }

    /** A page of envelopes and the cursor of the next page (empty on the last). */
    public record EnvelopePage(List<Envelope> items, Optional<String> nextCursor) {}

    /**
     * One page of a mailbox's envelopes.
     * @throws NotFoundException when the mailbox is not the user's
     * @throws InvalidInputException for a bad cursor, a limit out of range, or an in-memory sort of a mailbox too large for it
     */
    public EnvelopePage envelopes(Caller.User user, MailboxId mailbox, EnvelopeSort sort, boolean descending,
            Optional<String> cursorText, int limit) {
        checkLimit(limit);
        Scope scope = scope(user);
        Optional<Cursor> cursor = Cursor.decode(cursorText, sort, descending);
        mailboxes.state(user, mailbox).orElseThrow(() -> new NotFoundException("no such mailbox"));
        Map<AddressId, EmailAddress> addresses = addresses(user);
        if (sort == EnvelopeSort.ARRIVAL) {
            Optional<MessagePage.Key> after = cursor.map(c -> c instanceof Cursor.Key k ? k.key() : null);
            List<StoredMessage> rows = store.inTransaction(tx -> tx.messages().page(scope, new MessagePage(
                    user.userId(), Optional.of(mailbox), Optional.empty(), Optional.empty(), Optional.empty(),
                    descending, after, limit + 1)));
            boolean more = rows.size() > limit;
            List<StoredMessage> page = more ? rows.subList(0, limit) : rows;
            List<Envelope> items = page.stream().map(m -> envelope(m, addresses)).toList();
            return new EnvelopePage(items, more ? Optional.of(Cursor.encode(new Cursor.Key(sort, descending,
                    MessagePage.Key.of(page.get(page.size() - 1))))) : Optional.empty());
        }
        long size = store.inTransaction(tx -> tx.messages().countByMailbox(scope, user.userId())).stream()
                .filter(c -> c.mailbox().equals(mailbox)).mapToLong(MessageRepository.MailboxCount::total).sum();
        if (size > limits.maxSortMessages()) {
            throw new InvalidInputException("sort " + sort.name().toLowerCase(Locale.ROOT) + " is offered for mailboxes"
                    + " of at most " + limits.maxSortMessages() + " messages; use sort arrival");
        }
        int offset = cursor.map(c -> c instanceof Cursor.Offset o ? o.offset() : 0).orElse(0);
        List<Envelope> all = new ArrayList<>(store.inTransaction(tx -> tx.messages().list(scope, mailbox)).stream()
                .map(m -> envelope(m, addresses)).toList());
        Comparator<Envelope> order = switch (sort) {
            case DATE -> Comparator.comparing((Envelope e) -> e.date().orElse(e.received()));
            case FROM -> Comparator.comparing((Envelope e) -> e.from().toLowerCase(Locale.ROOT));
            case SUBJECT -> Comparator.comparing((Envelope e) -> e.subject().toLowerCase(Locale.ROOT));
            case ARRIVAL -> throw new IllegalStateException();
        };
        order = order.thenComparing(Envelope::received).thenComparing(e -> e.id().value().toString());
        all.sort(descending ? order.reversed() : order);
        int from = Math.min(offset, all.size());
        int to = Math.min(from + limit, all.size());
        return new EnvelopePage(List.copyOf(all.subList(from, to)), to < all.size()
                ? Optional.of(Cursor.encode(new Cursor.Offset(sort, descending, to))) : Optional.empty());
    }

    /**
     * A message rendered for reading.
     * @param inlineUrl the URL of an inline part by part id (what cid: images become)
     * @param allowRemoteImages keep https images (the user opted in for this view)
     */
    public MessageView message(Caller.User user, MessageId id, Function<String, String> inlineUrl,
            boolean allowRemoteImages) {
        StoredMessage row = live(user, id);
        MessageSummary summary = reader.summary(row);
        RenderedMessage body;
        try (InputStream raw = reader.openRaw(row)) {
            body = renderer.render(raw, inlineUrl, allowRemoteImages);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new MessageView(envelope(row, summary, addresses(user)), decoded(summary.replyTo()),
                nullToEmpty(summary.messageId()), body);
    }

    /** An attachment (any part) by part id, with a safe name and a type safe to serve. */
    public PartContent attachment(Caller.User user, MessageId id, String partId) {
        MimePart part = part(user, id, partId);
        return new PartContent(SafeFileName.of(part.filename().orElse(null), "part-" + part.id().replace('.', '-')),
                ContentTypes.forDownload(part.mimeType()), part.content().orElseThrow());
    }

    /** An inline image by part id: only PNG, JPEG, GIF and WebP; any other part is "not found". */
    public PartContent inlineImage(Caller.User user, MessageId id, String partId) {
        MimePart part = part(user, id, partId);
        if (!ContentTypes.isInlineImage(part.mimeType())) {
            throw new NotFoundException("no such inline image");
        }
        return new PartContent(SafeFileName.of(part.filename().orElse(null), "image"),
                ContentTypes.forDownload(part.mimeType()), part.content().orElseThrow());
    }

    private MimePart part(Caller.User user, MessageId id, String partId) {
        if (!MessageRenderer.isPartId(partId)) {
            throw new InvalidInputException("part is not a valid part id");
        }
        StoredMessage row = live(user, id);
        try (InputStream raw = reader.openRaw(row)) {
            return renderer.part(raw, partId).orElseThrow(() -> new NotFoundException("no such part"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- changing

    /** Adds and removes flags (a compare-and-set, so a concurrent IMAP change is kept). */
    public Envelope updateFlags(Caller.User user, MessageId id, Set<String> add, Set<String> remove) {
        checkFlags(add);
        checkFlags(remove);
        Set<String> both = new HashSet<>(add);
        both.retainAll(remove);
        if (!both.isEmpty()) {
            throw new InvalidInputException("a flag cannot be both added and removed");
        }
        mailboxes.updateFlags(user, id, current -> {
            Set<String> next = new HashSet<>(current);
            next.addAll(add);
            next.removeAll(remove);
            return next;
        }, Long.MAX_VALUE).orElseThrow(() -> new NotFoundException("no such message"));
        return envelope(user, id);
    }

    /**
     * Moves a message to another of the user's mailboxes (copy then expunge: the moved message has
     * a new id, returned). Moving to its own mailbox changes nothing.
     */
    public Envelope move(Caller.User user, MessageId id, MailboxId target) {
        StoredMessage row = live(user, id);
        if (row.mailboxId().equals(target)) {
            return envelope(user, id);
        }
        MessageId moved = mailboxes.copy(user, List.of(id), target).getFirst().id();
        mailboxes.expunge(user, List.of(id));
        return envelope(user, moved);
    }

    /** What a delete did. */
    public sealed interface Deleted {
        /** Moved to Trash, under a new id. */
        record MovedToTrash(Envelope message) implements Deleted {}

        /** It was in Trash: expunged (kept soft-deleted until purge, then gone). */
        record Expunged() implements Deleted {}
    }

    /** Deletes a message: to Trash (created if the user has none), or, from Trash, expunged. */
    public Deleted delete(Caller.User user, MessageId id) {
        StoredMessage row = live(user, id);
        MailboxState trash = mailboxes.list(user).stream()
                .filter(b -> b.specialUse().filter(SpecialUse.TRASH::equals).isPresent()).findFirst()
                .orElseGet(() -> mailboxes.create(user, SpecialUse.TRASH.defaultName(), Optional.of(SpecialUse.TRASH)));
        if (row.mailboxId().equals(trash.id())) {
            mailboxes.expunge(user, List.of(id));
            return new Deleted.Expunged();
        }
        return new Deleted.MovedToTrash(move(user, id, trash.id()));
    }

    // ---------------------------------------------------------------- search

    /**
     * A page of search results, newest first, and a cursor to go on when the scan stopped before
     * the end (the page is full, or this call's scan or body budget is spent: then the page may
     * be short, even empty, and the client asks again with the cursor).
     */
    public record SearchPage(List<Envelope> items, Optional<String> nextCursor, int scanned) {}

    public SearchPage search(Caller.User user, SearchQuery q, Optional<String> cursorText, int limit) {
        checkLimit(limit);
        Scope scope = scope(user);
        Optional<Cursor> cursor = Cursor.decode(cursorText, EnvelopeSort.ARRIVAL, true);
        q.mailbox().ifPresent(m -> mailboxes.state(user, m).orElseThrow(() -> new NotFoundException("no such mailbox")));
        Map<AddressId, EmailAddress> addresses = addresses(user);
        if (q.arrivedOn().isPresent() && !addresses.containsKey(q.arrivedOn().get())) {
            throw new NotFoundException("no such address");
        }
        Optional<MessagePage.Key> after = cursor.map(c -> c instanceof Cursor.Key k ? k.key() : null);
        List<Envelope> hits = new ArrayList<>();
        int scanned = 0;
        int bodies = 0;
        boolean end = false;
        Optional<MessagePage.Key> position = after;
        scan:
        while (scanned < limits.maxSearchScan()) {
            int batch = Math.min(SEARCH_BATCH, limits.maxSearchScan() - scanned);
            Optional<MessagePage.Key> from = position;
            List<StoredMessage> rows = store.inTransaction(tx -> tx.messages().page(scope, new MessagePage(
                    user.userId(), q.mailbox(), q.arrivedOn(), q.since(), q.before(), true, from, batch)));
            for (StoredMessage row : rows) {
                if (hits.size() >= limit) {
                    break scan;
                }
                if (q.body().isPresent() && bodies >= limits.maxSearchBodies()) {
                    break scan;
                }
                MessageSummary summary = reader.summary(row);
                Envelope e = envelope(row, summary, addresses);
                boolean match = contains(e.from(), q.from())
                        && (contains(e.to(), q.to()) || contains(e.cc(), q.to()))
                        && contains(e.subject(), q.subject())
                        && q.hasAttachment().map(h -> h == e.hasAttachment()).orElse(true);
                if (match && q.body().isPresent()) {
                    bodies++;
                    match = contains(bodyText(row), q.body());
                }
                if (match) {
                    hits.add(e);
                }
                scanned++;
                position = Optional.of(MessagePage.Key.of(row));
            }
            if (rows.size() < batch) {
                end = true;
                break;
            }
        }
        Optional<String> next = end ? Optional.empty()
                : position.map(p -> Cursor.encode(new Cursor.Key(EnvelopeSort.ARRIVAL, true, p)));
        if (!end && position.equals(after) && scanned == 0 && hits.isEmpty()) {
            next = Optional.empty();
        }
        return new SearchPage(hits, next, scanned);
    }

    private String bodyText(StoredMessage row) {
        try (InputStream raw = reader.openRaw(row)) {
            return renderer.render(raw, partId -> "", false).text().orElse("");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean contains(String haystack, Optional<String> needle) {
        return needle.isEmpty() || haystack.toLowerCase(Locale.ROOT).contains(needle.get().toLowerCase(Locale.ROOT));
    }

    // ---------------------------------------------------------------- helpers

    private void checkLimit(int limit) {
        if (limit < 1 || limit > limits.maxPage()) {
            throw new InvalidInputException("limit must be 1 to " + limits.maxPage());
        }
    }

    private static void checkFlags(Set<String> flags) {
        if (flags.size() > MAX_FLAGS) {
            throw new InvalidInputException("at most " + MAX_FLAGS + " flags at once");
        }
        for (String f : flags) {
            if (!SYSTEM_FLAGS.contains(f) && !KEYWORD.matcher(f).matches()) {
                throw new InvalidInputException("flags must be \\Seen, \\Answered, \\Flagged, \\Draft, \\Deleted"
                        + " or keywords of letters, digits and _.$-");
            }
        }
    }

    /** The user's live message, or "not found" (also when it is another user's or tenant's). */
    private StoredMessage live(Caller.User user, MessageId id) {
        Scope scope = scope(user);
        return store.inTransaction(tx -> tx.messages().byId(scope, id)).filter(m -> m.deletedAt().isEmpty())
                .orElseThrow(() -> new NotFoundException("no such message"));
    }

    private Envelope envelope(Caller.User user, MessageId id) {
        return envelope(live(user, id), addresses(user));
    }

    private Map<AddressId, EmailAddress> addresses(Caller.User user) {
        Scope scope = scope(user);
        Map<AddressId, EmailAddress> map = new HashMap<>();
        for (Address a : store.inTransaction(tx -> tx.addresses().list(scope, Optional.of(user.userId())))) {
            map.put(a.id(), a.address());
        }
        return map;
    }

    private Envelope envelope(StoredMessage m, Map<AddressId, EmailAddress> addresses) {
        return envelope(m, reader.summary(m), addresses);
    }

    private static Envelope envelope(StoredMessage m, MessageSummary s, Map<AddressId, EmailAddress> addresses) {
        Optional<Envelope.ArrivedOn> arrivedOn = m.deliveredTo()
                .flatMap(a -> Optional.ofNullable(addresses.get(a)).map(addr -> new Envelope.ArrivedOn(a, addr)));
        return new Envelope(m.id(), m.mailboxId(), decoded(s.from()), decoded(s.to()), decoded(s.cc()),
                decoded(s.subject()), parseDate(s.date()), m.internalDate(), m.size(), m.flags(),
                s.hasAttachments(), arrivedOn);
    }

    /** A header value with RFC 2047 encoded words decoded; absent is empty. */
    static String decoded(String raw) {
        if (raw == null) {
            return "";
        }
        try {
            return DecoderUtil.decodeEncodedWords(raw, DecodeMonitor.SILENT);
        } catch (RuntimeException e) {
            return raw;
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** The first and last instants whose ISO-8601 form has a plain four-digit year, as the API promises. */
    private static final Instant FIRST_DATE = Instant.parse("0000-01-01T00:00:00Z");
    private static final Instant LAST_DATE = Instant.parse("9999-12-31T23:59:59Z");

    /**
     * An RFC 5322 date, lenient about a trailing comment such as "(UTC)"; anything else is absent.
     * So is a date that its zone pushes out of years 0000 to 9999 ("31 Dec 9999 23:00 -1200"),
     * which would print as "+10000-..." and break the API's instant format.
     */
    static Optional<Instant> parseDate(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String v = raw.replaceAll("\\([^)]*\\)", "").replaceAll("\\s+", " ").strip();
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return at.isBefore(FIRST_DATE) || at.isAfter(LAST_DATE) ? Optional.empty() : Optional.of(at);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
