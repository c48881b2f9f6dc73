package org.postern.mail.mailbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.mail.message.MessageReader;
import org.postern.mail.message.MessageWriter;
import org.postern.model.ConflictException;
import org.postern.model.IntegrityException;
import org.postern.model.InvalidInputException;
import org.postern.model.MailboxId;
import org.postern.model.MessageId;
import org.postern.model.NotFoundException;
import org.postern.model.SpecialUse;
import org.postern.store.Mailbox;
import org.postern.store.MetadataStore;
import org.postern.store.StoredMessage;

/**
 * A signed-in user's own mailboxes and messages, for the mail protocols (IMAP): list, create,
 * delete, rename, subscribe, read state, flags with MODSEQ, expunge, copy and append. Every call
 * takes the {@link Caller.User} and goes through {@link AccessPolicy#userScope}, so a user can
 * only ever reach their own data; "not yours" and "not there" are the same empty answer.
 *
 * <p>Names are the protocol's hierarchical names with {@link #DELIMITER}; {@code INBOX} is the
 * special-use INBOX and cannot be deleted or renamed here.
 */
public final class Mailboxes {
    /** The hierarchy delimiter of mailbox names. */
    public static final char DELIMITER = '/';

    private final MetadataStore store;
    private final AccessPolicy policy;
    private final MessageWriter writer;
    private final MessageReader reader;
    private final Clock clock;
    /** Up to this many opened summaries are kept (a few hundred bytes each), for at most 60 s. */
    private static final int SUMMARY_CACHE_ENTRIES = 10_000;
    private final SummaryCache summaryCache = new SummaryCache(SUMMARY_CACHE_ENTRIES);

    public Mailboxes(MetadataStore store, AccessPolicy policy, MessageWriter writer, MessageReader reader, Clock clock) {
        this.store = Objects.requireNonNull(store);
        this.policy = Objects.requireNonNull(policy);
        this.writer = Objects.requireNonNull(writer);
        this.reader = Objects.requireNonNull(reader);
        this.clock = Objects.requireNonNull(clock);
    }

    private Scope scope(Caller.User caller) {
        return policy.userScope(caller, caller.tenantId(), caller.userId());
    }

    /** Every mailbox of the caller, by name. */
    public List<MailboxState> list(Caller.User caller) {
        Scope scope = scope(caller);
        return store.inReadTransaction(tx -> tx.mailboxes().list(scope, caller.userId())).stream()
                .map(Mailboxes::state).toList();
    }

    public Optional<MailboxState> find(Caller.User caller, String name) {
        Scope scope = scope(caller);
        return store.inReadTransaction(tx -> tx.mailboxes().byName(scope, caller.userId(), name)).map(Mailboxes::state);
    }

    /** The mailbox's counters: one indexed lookup, cheap enough to poll (IDLE). */
    public Optional<MailboxState> state(Caller.User caller, MailboxId id) {
        Scope scope = scope(caller);
        return store.inReadTransaction(tx -> tx.mailboxes().byId(scope, id)).map(Mailboxes::state);
    }

    /** The mailbox and its live messages, consistent with each other. */
    public Optional<Snapshot> snapshot(Caller.User caller, MailboxId id) {
        Scope scope = scope(caller);
        return store.inReadTransaction(tx -> tx.mailboxes().byId(scope, id).map(box -> new Snapshot(state(box),
                tx.messages().list(scope, id).stream().map(Mailboxes::message).toList())));
    }

    /**
     * What changed in a mailbox after {@code modSeq}, with its counters, read in one transaction:
     * messages added or whose flags changed (live), and the UIDs of those expunged meanwhile (as
     * long as they are kept; purged ones are not listed). Empty when the mailbox is gone.
     */
    public Optional<Changes> changesSince(Caller.User caller, MailboxId id, long modSeq) {
        Scope scope = scope(caller);
        return store.inReadTransaction(tx -> tx.mailboxes().byId(scope, id).map(box -> {
            List<MessageState> live = new ArrayList<>();
            List<Long> expunged = new ArrayList<>();
            for (StoredMessage m : tx.messages().changedSince(scope, id, modSeq)) {
                if (m.deletedAt().isPresent()) {
                    expunged.add(m.uid());
                } else {
                    live.add(message(m));
                }
            }
            return new Changes(state(box), live, expunged);
        }));
    }

    /** See {@link #changesSince}: {@code live} by UID ascending. */
    public record Changes(MailboxState mailbox, List<MessageState> live, List<Long> expungedUids) {
        public Changes {
            Objects.requireNonNull(mailbox);
            live = List.copyOf(live);
            expungedUids = List.copyOf(expungedUids);
        }
    }

    /**
     * Creates a mailbox.
     * @throws ConflictException if the name or the special use is taken
     * @throws InvalidInputException for an empty name, or one with an empty level
     */
    public MailboxState create(Caller.User caller, String name, Optional<SpecialUse> specialUse) {
        checkName(name);
        Scope scope = scope(caller);
        return state(store.inTransaction(tx -> tx.mailboxes().create(scope, caller.tenantId(), caller.userId(), name,
                specialUse)));
    }

    /** Deletes a mailbox (not INBOX); its messages are soft-deleted. @return false when there is none of that name */
    public boolean delete(Caller.User caller, String name) {
        if (name.equals("INBOX")) {
            throw new InvalidInputException("INBOX cannot be deleted");
        }
        Scope scope = scope(caller);
        Instant now = clock.instant();
        return store.inTransaction(tx -> tx.mailboxes().byName(scope, caller.userId(), name)
                .map(box -> tx.mailboxes().delete(scope, box.id(), now)).orElse(false));
    }

    /**
     * Renames a mailbox and every mailbox below it ({@code a/x} follows {@code a}), in one
     * transaction. @return false when there is none of that name
     * @throws ConflictException when the new name (or a child's new name) is taken
     */
    public boolean rename(Caller.User caller, String from, String to) {
        if (from.equals("INBOX") || to.equals("INBOX")) {
            throw new InvalidInputException("INBOX cannot be renamed");
        }
        checkName(to);
        if (to.startsWith(from + DELIMITER)) {
            throw new InvalidInputException("a mailbox cannot move below itself");
        }
        Scope scope = scope(caller);
        return store.inTransaction(tx -> {
            Optional<Mailbox> box = tx.mailboxes().byName(scope, caller.userId(), from);
            if (box.isEmpty()) {
                return false;
            }
            List<Mailbox> children = tx.mailboxes().list(scope, caller.userId()).stream()
                    .filter(m -> m.name().startsWith(from + DELIMITER)).toList();
            tx.mailboxes().rename(scope, box.get().id(), to);
            for (Mailbox child : children) {
                tx.mailboxes().rename(scope, child.id(), to + child.name().substring(from.length()));
            }
            return true;
        });
    }

    /**
     * RENAME INBOX (RFC 3501 §6.3.5, RFC 9051 §6.3.6): moves every message of INBOX into the
     * existing, empty-or-not mailbox {@code to}, leaving INBOX empty; mailboxes below INBOX stay.
     * The copy is all or nothing, and the originals are expunged only once it is durable.
     * @return how many messages moved
     * @throws NotFoundException when {@code to} is not the caller's
     */
    public int moveInboxTo(Caller.User caller, MailboxId to) {
        Scope scope = scope(caller);
        List<MessageId> inbox = store.inTransaction(tx -> tx.mailboxes().byName(scope, caller.userId(), "INBOX")
                .map(box -> tx.messages().list(scope, box.id())).orElse(List.of())).stream()
                .map(StoredMessage::id).toList();
        if (inbox.isEmpty()) {
            return 0;
        }
        copy(caller, inbox, to);
        expunge(caller, inbox);
        return inbox.size();
    }

    /** @return false when there is no mailbox of that name */
    public boolean setSubscribed(Caller.User caller, String name, boolean subscribed) {
        Scope scope = scope(caller);
        return store.inTransaction(tx -> tx.mailboxes().byName(scope, caller.userId(), name)
                .map(box -> tx.mailboxes().setSubscribed(scope, box.id(), subscribed)).orElse(false));
    }

    /** Replaces a message's flags, giving it a new MODSEQ. @return the new state, empty if it is gone */
    public Optional<MessageState> setFlags(Caller.User caller, MessageId id, Set<String> flags) {
        Scope scope = scope(caller);
        return store.inGroupedTransaction(tx -> tx.messages().setFlags(scope, id, flags)).map(Mailboxes::message);
    }

    /**
     * Changes a message's flags from their current value (read in the same transaction, so a
     * change made meanwhile by another session is kept), giving it a new MODSEQ when they differ.
     * With {@code unchangedSince} (RFC 7162 UNCHANGEDSINCE; {@link Long#MAX_VALUE} for none) a
     * message whose MODSEQ is above it is left alone and reported as refused. The write is a
     * compare-and-set on the MODSEQ that was read, retried when another writer came between, so
     * neither a concurrent change nor the UNCHANGEDSINCE test can be lost on either backend.
     * @return the outcome, empty when the message is gone
     */
    public Optional<FlagUpdate> updateFlags(Caller.User caller, MessageId id, UnaryOperator<Set<String>> change,
            long unchangedSince) {
        Scope scope = scope(caller);
        for (int attempt = 0; attempt < MAX_FLAG_ATTEMPTS; attempt++) {
            // Grouped: flag changes of many sessions share one commit (the work only reads and
            // writes rows, so running it again after a rolled-back group is harmless).
            Optional<Optional<FlagUpdate>> done = store.inGroupedTransaction(tx -> {
                Optional<StoredMessage> current = tx.messages().byId(scope, id).filter(m -> m.deletedAt().isEmpty());
                if (current.isEmpty()) {
                    return Optional.of(Optional.<FlagUpdate>empty());
                }
                if (current.get().modSeq() > unchangedSince) {
                    return Optional.of(Optional.of(new FlagUpdate(message(current.get()), false)));
                }
                Set<String> flags = change.apply(current.get().flags());
                if (flags.equals(current.get().flags())) {
                    return Optional.of(Optional.of(new FlagUpdate(message(current.get()), true)));
                }
                return tx.messages().setFlagsIfModSeq(scope, id, flags, current.get().modSeq())
                        .map(m -> Optional.of(new FlagUpdate(message(m), true)));
            });
            if (done.isPresent()) {
                return done.get();
            }
        }
        throw new IllegalStateException("the flags of a message kept changing under " + MAX_FLAG_ATTEMPTS + " attempts");
    }

    /** How often {@link #updateFlags} reads again after losing a race to another writer. */
    private static final int MAX_FLAG_ATTEMPTS = 10;

    /**
     * The outcome of {@link #updateFlags}: the message as it now is, and whether the change was
     * made (false: its MODSEQ was above UNCHANGEDSINCE).
     */
    public record FlagUpdate(MessageState message, boolean applied) {
        public FlagUpdate {
            Objects.requireNonNull(message);
        }
    }

    /**
     * The UIDs of a mailbox's expunged messages, each with the MODSEQ its expunge took, by UID, as
     * long as they are kept (soft-deleted); purged messages are forgotten, so a UID below UIDNEXT
     * that is neither live nor listed here may have vanished at any time.
     */
    public List<Expunged> expunged(Caller.User caller, MailboxId id) {
        Scope scope = scope(caller);
        return store.inReadTransaction(tx -> tx.messages().expunged(scope, id)).stream()
                .map(e -> new Expunged(e.uid(), e.modSeq())).toList();
    }

    /** The caller's storage use: the total size in bytes of their live messages in all mailboxes. */
    public long usedBytes(Caller.User caller) {
        Scope scope = scope(caller);
        return store.inReadTransaction(tx -> tx.messages().liveBytes(scope, caller.userId()));
    }

    /** An expunged message's UID and the MODSEQ of its expunge. */
    public record Expunged(long uid, long modSeq) {}

    /** Removes messages from their mailbox (soft delete; purge removes them for good). @return how many were live */
    public int expunge(Caller.User caller, Collection<MessageId> ids) {
        Scope scope = scope(caller);
        Instant now = clock.instant();
        return store.inGroupedTransaction(tx -> {
            int n = 0;
            for (MessageId id : ids) {
                if (tx.messages().markDeleted(scope, id, now)) {
                    n++;
                }
            }
            return n;
        });
    }

    /** The decrypted raw message. @throws NotFoundException when it is not the caller's */
    public InputStream openRaw(Caller.User caller, MessageId id) throws IOException {
        Scope scope = scope(caller);
        StoredMessage row = store.inReadTransaction(tx -> tx.messages().byId(scope, id))
                .orElseThrow(() -> new NotFoundException("no such message"));
        return reader.openRaw(row);
    }

    /**
     * The content summaries (envelope headers as stored, MIME outline) of some of the caller's
     * messages in one mailbox, decrypted, by id: what ENVELOPE and header searches need, without
     * reading and decrypting each whole message. One read transaction; a message that is gone, or
     * whose summary does not authenticate, is left out (the caller falls back to the message itself,
     * which is checked on its own).
     */
    public Map<MessageId, EnvelopeFields> summaries(Caller.User caller, MailboxId mailbox, Collection<MessageId> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Scope scope = scope(caller);
        List<StoredMessage> rows = store.inReadTransaction(tx -> {
            if (ids.size() > SUMMARY_LOOKUPS) {
                // Many: one pass over the mailbox's rows beats a lookup each.
                Set<MessageId> wanted = new HashSet<>(ids);
                return tx.messages().list(scope, mailbox).stream().filter(m -> wanted.contains(m.id())).toList();
            }
            List<StoredMessage> found = new ArrayList<>();
            for (MessageId id : ids) {
                tx.messages().byId(scope, id).filter(m -> m.mailboxId().equals(mailbox)).ifPresent(found::add);
            }
            return found;
        });
        Map<MessageId, EnvelopeFields> out = new HashMap<>();
        for (StoredMessage m : rows) {
            try {
                out.put(m.id(), EnvelopeFields.of(summaryCache.open(m.id(), m.sealedSummary(), () -> reader.summary(m))));
            } catch (IntegrityException e) {
                // Left out: reading the message itself reports it.
            }
        }
        return out;
    }

    /** Up to this many messages, {@link #summaries} looks each up; beyond, it reads the mailbox's rows. */
    private static final int SUMMARY_LOOKUPS = 64;

    /**
     * Stores a message in a mailbox, durably (blob fsynced, row committed) before it returns.
     * @throws NotFoundException when the mailbox is not the caller's
     * @throws InvalidInputException when the message is over {@code maxBytes}
     */
    public MessageState append(Caller.User caller, MailboxId mailbox, InputStream raw, Set<String> flags,
            Optional<Instant> internalDate, long maxBytes) {
        Scope scope = scope(caller);
        return message(writer.append(scope, mailbox, raw, flags, internalDate.orElse(null), maxBytes));
    }

    /**
     * Copies messages (in the order given) into another of the caller's mailboxes, with their
     * flags and internal dates: all or nothing. @return the copies, in the same order
     */
    public List<MessageState> copy(Caller.User caller, List<MessageId> ids, MailboxId target) {
        Scope scope = scope(caller);
        Mailbox box = store.inTransaction(tx -> tx.mailboxes().byId(scope, target))
                .orElseThrow(() -> new NotFoundException("no such mailbox"));
        List<StoredMessage> copies = new ArrayList<>();
        try {
            for (MessageId id : ids) {
                StoredMessage source = store.inTransaction(tx -> tx.messages().byId(scope, id))
                        .filter(m -> m.deletedAt().isEmpty())
                        .orElseThrow(() -> new NotFoundException("no such message"));
                try (InputStream raw = reader.openRaw(source)) {
                    copies.add(writer.append(scope, box, raw, source.flags(), source.internalDate(), Long.MAX_VALUE,
                            source.deliveredTo()));
                }
            }
        } catch (IOException | RuntimeException e) {
            Instant now = clock.instant();
            store.inTransaction(tx -> {
                copies.forEach(c -> tx.messages().markDeleted(scope, c.id(), now));
                return null;
            });
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
        return copies.stream().map(Mailboxes::message).toList();
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.startsWith(String.valueOf(DELIMITER)) || name.contains("" + DELIMITER + DELIMITER)
                || name.endsWith(String.valueOf(DELIMITER))) {
            throw new InvalidInputException("a mailbox name needs a non-empty name at every level");
        }
    }

    private static MailboxState state(Mailbox m) {
        return new MailboxState(m.id(), m.name(), m.specialUse(), m.subscribed(), m.uidValidity(), m.uidNext(),
                m.highestModSeq());
    }

    private static MessageState message(StoredMessage m) {
        return new MessageState(m.id(), m.uid(), m.modSeq(), m.flags(), m.internalDate(), m.size());
    }
}
