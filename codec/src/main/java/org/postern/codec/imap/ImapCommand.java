package org.postern.codec.imap;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A parsed IMAP command; every variant was validated by {@link ImapCommandParser} (syntax and
 * bounds, not whether it is allowed in the session's state). Mailbox names are decoded
 * {@link MailboxName}s; sequence sets are unresolved {@link SequenceSet}s.
 */
public sealed interface ImapCommand {

    /** The client's tag, echoed in the tagged completion. */
    String tag();

    /** The command's name, upper case, for logs and counters (never its arguments): {@code UID FETCH}. */
    default String name() {
        return switch (this) {
            case Capability c -> "CAPABILITY";
            case Noop n -> "NOOP";
            case Logout l -> "LOGOUT";
            case StartTls s -> "STARTTLS";
            case Authenticate a -> "AUTHENTICATE";
            case Login l -> "LOGIN";
            case Enable e -> "ENABLE";
            case Select s -> s.readOnly() ? "EXAMINE" : "SELECT";
            case Create c -> "CREATE";
            case Delete d -> "DELETE";
            case Rename r -> "RENAME";
            case Subscribe s -> "SUBSCRIBE";
            case Unsubscribe u -> "UNSUBSCRIBE";
            case ListMailboxes l -> "LIST";
            case Lsub l -> "LSUB";
            case Namespace n -> "NAMESPACE";
            case Status s -> "STATUS";
            case Append a -> "APPEND";
            case Id i -> "ID";
            case Idle i -> "IDLE";
            case Check c -> "CHECK";
            case Close c -> "CLOSE";
            case Unselect u -> "UNSELECT";
            case Expunge e -> e.uids().isPresent() ? "UID EXPUNGE" : "EXPUNGE";
            case Search s -> s.uid() ? "UID SEARCH" : "SEARCH";
            case Sort s -> s.uid() ? "UID SORT" : "SORT";
            case Fetch f -> f.uid() ? "UID FETCH" : "FETCH";
            case Store s -> s.uid() ? "UID STORE" : "STORE";
            case Copy c -> c.uid() ? "UID COPY" : "COPY";
            case Move m -> m.uid() ? "UID MOVE" : "MOVE";
            case GetQuota g -> "GETQUOTA";
            case GetQuotaRoot g -> "GETQUOTAROOT";
        };
    }

    record Capability(String tag) implements ImapCommand {}

    record Noop(String tag) implements ImapCommand {}

    record Logout(String tag) implements ImapCommand {}

    /** STARTTLS: the session must retire the {@link ImapInput} before the handshake. */
    record StartTls(String tag) implements ImapCommand {}

    /**
     * {@code AUTHENTICATE mechanism [initial-response]} (RFC 3501, SASL-IR RFC 4959). The
     * mechanism is upper case and only syntax-checked. The initial response is valid Base64, or
     * {@code "="} for an empty one; it carries credentials, so {@link #toString()} hides it.
     */
    record Authenticate(String tag, String mechanism, Optional<String> initialResponse) implements ImapCommand {
        public Authenticate {
            Objects.requireNonNull(mechanism);
            Objects.requireNonNull(initialResponse);
        }

        @Override
        public String toString() {
            return "Authenticate[tag=" + tag + ", mechanism=" + mechanism + ", initialResponse="
                    + (initialResponse.isPresent() ? "[redacted]" : "none") + "]";
        }
    }

    /** {@code LOGIN user password}; {@link #toString()} hides the password. */
    record Login(String tag, String user, String password) implements ImapCommand {
        public Login {
            Objects.requireNonNull(user);
            Objects.requireNonNull(password);
        }

        @Override
        public String toString() {
            return "Login[tag=" + tag + ", user=" + user + ", password=[redacted]]";
        }
    }

    /** {@code ENABLE cap...} (RFC 5161); capability names upper case. */
    record Enable(String tag, List<String> capabilities) implements ImapCommand {
        public Enable {
            capabilities = List.copyOf(capabilities);
        }
    }

    /**
     * {@code QRESYNC (uidvalidity modseq [known-uids] [(known-sequence-set known-uid-set)])} (RFC 7162 §3.2.5).
     */
    record Qresync(long uidValidity, long modSeq, Optional<SequenceSet> knownUids,
            Optional<SequenceSet> knownSequenceNumbers, Optional<SequenceSet> knownSequenceUids) {
        public Qresync {
            Objects.requireNonNull(knownUids);
            Objects.requireNonNull(knownSequenceNumbers);
            Objects.requireNonNull(knownSequenceUids);
            if (knownSequenceNumbers.isPresent() != knownSequenceUids.isPresent()) {
                throw new IllegalArgumentException("sequence match data comes in pairs");
            }
        }
    }

    /** {@code SELECT} or ({@code readOnly}) {@code EXAMINE}, with RFC 7162's CONDSTORE and QRESYNC parameters. */
    record Select(String tag, MailboxName mailbox, boolean readOnly, boolean condstore, Optional<Qresync> qresync)
            implements ImapCommand {
        public Select {
            Objects.requireNonNull(mailbox);
            Objects.requireNonNull(qresync);
        }
    }

    /** {@code CREATE name [(USE (\Drafts ...))]} (RFC 6154 CREATE-SPECIAL-USE). */
    record Create(String tag, MailboxName mailbox, List<String> specialUse) implements ImapCommand {
        public Create {
            Objects.requireNonNull(mailbox);
            specialUse = List.copyOf(specialUse);
        }
    }

    record Delete(String tag, MailboxName mailbox) implements ImapCommand {
        public Delete {
            Objects.requireNonNull(mailbox);
        }
    }

    record Rename(String tag, MailboxName from, MailboxName to) implements ImapCommand {
        public Rename {
            Objects.requireNonNull(from);
            Objects.requireNonNull(to);
        }
    }

    record Subscribe(String tag, MailboxName mailbox) implements ImapCommand {
        public Subscribe {
            Objects.requireNonNull(mailbox);
        }
    }

    record Unsubscribe(String tag, MailboxName mailbox) implements ImapCommand {
        public Unsubscribe {
            Objects.requireNonNull(mailbox);
        }
    }

    /** LIST-EXTENDED selection options (RFC 5258, RFC 6154). */
    enum ListSelection {
        SUBSCRIBED, REMOTE, RECURSIVEMATCH, SPECIAL_USE
    }

    /** LIST-EXTENDED return options (RFC 5258, RFC 6154, RFC 5819); STATUS carries its items separately. */
    enum ListReturn {
        SUBSCRIBED, CHILDREN, SPECIAL_USE, STATUS
    }

    /**
     * {@code LIST [(selection)] reference patterns [RETURN (options)]}. The reference and the
     * patterns are decoded to Unicode (modified UTF-7 or UTF-8 as the session's mode says); build
     * matchers with {@link ListPattern#of}.
     *
     * @param extended whether the client used any LIST-EXTENDED syntax (selection options,
     *     several patterns, RETURN), which changes the response rules of RFC 5258
     * @param statusItems the items of {@code RETURN (STATUS (...))}, empty unless STATUS is returned
     */
    record ListMailboxes(String tag, Set<ListSelection> selection, String reference, List<String> patterns,
            Set<ListReturn> returns, List<StatusItem> statusItems, boolean extended) implements ImapCommand {
        public ListMailboxes {
            selection = Set.copyOf(selection);
            Objects.requireNonNull(reference);
            patterns = List.copyOf(patterns);
            returns = Set.copyOf(returns);
            statusItems = List.copyOf(statusItems);
            if (patterns.isEmpty()) {
                throw new IllegalArgumentException("LIST needs a pattern");
            }
        }
    }

    /** {@code LSUB reference pattern} (IMAP4rev1). */
    record Lsub(String tag, String reference, String pattern) implements ImapCommand {
        public Lsub {
            Objects.requireNonNull(reference);
            Objects.requireNonNull(pattern);
        }
    }

    record Namespace(String tag) implements ImapCommand {}

    record Status(String tag, MailboxName mailbox, List<StatusItem> items) implements ImapCommand {
        public Status {
            Objects.requireNonNull(mailbox);
            items = List.copyOf(items);
        }
    }

    /**
     * One message of an APPEND (several with MULTIAPPEND, RFC 3502): its flags (system flags in
     * canonical case), optional internal date, and the size of its literal. The content itself
     * is never part of a command: {@link ImapCommandReader} streams it to the session as
     * {@link ReadResult.AppendData} before the command completes.
     *
     * @param binary whether it was sent as a {@code ~{n}} literal8 (RFC 3516): it may hold NUL
     */
    record AppendMessage(List<String> flags, Optional<OffsetDateTime> internalDate, long size, boolean binary) {
        public AppendMessage {
            flags = List.copyOf(flags);
            Objects.requireNonNull(internalDate);
            if (size < 0) {
                throw new IllegalArgumentException("negative size");
            }
        }
    }

    /**
     * {@code APPEND mailbox [flags] [date-time] literal ...}: the complete command, reported after
     * the last message's content went to the session. MULTIAPPEND is all or nothing: commit
     * the staged messages now, or drop them on a {@link ReadResult.Rejected} for this tag.
     */
    record Append(String tag, MailboxName mailbox, List<AppendMessage> messages) implements ImapCommand {
        public Append {
            Objects.requireNonNull(mailbox);
            messages = List.copyOf(messages);
            if (messages.isEmpty()) {
                throw new IllegalArgumentException("APPEND needs a message");
            }
        }
    }

    /** One ID field (RFC 2971): a name and an optional value. */
    record IdField(String name, Optional<String> value) {
        public IdField {
            Objects.requireNonNull(name);
            Objects.requireNonNull(value);
        }
    }

    /** {@code ID (fields)} or {@code ID NIL} (empty). At most 30 fields, names up to 30 octets, values up to 1024. */
    record Id(String tag, List<IdField> fields) implements ImapCommand {
        public Id {
            fields = List.copyOf(fields);
        }
    }

    /** {@code IDLE} (RFC 2177): send {@code + idling}, then {@link ImapCommandReader#readIdleEnd()}. */
    record Idle(String tag) implements ImapCommand {}

    record Check(String tag) implements ImapCommand {}

    record Close(String tag) implements ImapCommand {}

    /** {@code UNSELECT} (RFC 3691). */
    record Unselect(String tag) implements ImapCommand {}

    /** {@code EXPUNGE}, or {@code UID EXPUNGE set} (RFC 4315) when {@code uids} is present. */
    record Expunge(String tag, Optional<SequenceSet> uids) implements ImapCommand {
        public Expunge {
            Objects.requireNonNull(uids);
        }
    }

    /** ESEARCH return options (RFC 4731, RFC 5182 SAVE). */
    enum SearchReturn {
        MIN, MAX, ALL, COUNT, SAVE
    }

    /**
     * {@code [UID] SEARCH [RETURN (...)] [CHARSET c] keys}. The charset, when given, is
     * {@code UTF-8} or {@code US-ASCII} (others are refused with NO [BADCHARSET]); strings are
     * decoded from UTF-8.
     *
     * @param returnOptions absent for a classic SEARCH (answer {@code * SEARCH}); present for
     *     ESEARCH (answer {@code * ESEARCH}), where an empty set means {@code ALL} (RFC 4731)
     */
    record Search(String tag, boolean uid, Optional<String> charset, SearchKey key,
            Optional<Set<SearchReturn>> returnOptions) implements ImapCommand {
        public Search {
            Objects.requireNonNull(charset);
            Objects.requireNonNull(key);
            returnOptions = returnOptions.map(Set::copyOf);
        }
    }

    /** A SORT criterion (RFC 5256, RFC 5957 DISPLAYFROM/DISPLAYTO). */
    enum SortKey {
        ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO, DISPLAYFROM, DISPLAYTO
    }

    record SortCriterion(SortKey key, boolean reverse) {
        public SortCriterion {
            Objects.requireNonNull(key);
        }
    }

    /** {@code [UID] SORT [RETURN (...)] (criteria) charset keys} (RFC 5256, ESORT RFC 5267). */
    record Sort(String tag, boolean uid, List<SortCriterion> criteria, String charset, SearchKey key,
            Optional<Set<SearchReturn>> returnOptions) implements ImapCommand {
        public Sort {
            criteria = List.copyOf(criteria);
            Objects.requireNonNull(charset);
            Objects.requireNonNull(key);
            returnOptions = returnOptions.map(Set::copyOf);
            if (criteria.isEmpty()) {
                throw new IllegalArgumentException("SORT needs a criterion");
            }
        }
    }

    /**
     * {@code [UID] FETCH set items [(CHANGEDSINCE n [VANISHED])]} (RFC 7162). The items are in
     * the client's order, macros expanded; a UID FETCH does not list UID unless the client did
     * (the response must carry it anyway).
     */
    record Fetch(String tag, boolean uid, SequenceSet set, List<FetchAttribute> attributes, OptionalLong changedSince,
            boolean vanished) implements ImapCommand {
        public Fetch {
            Objects.requireNonNull(set);
            attributes = List.copyOf(attributes);
            Objects.requireNonNull(changedSince);
            if (vanished && (!uid || changedSince.isEmpty())) {
                throw new IllegalArgumentException("VANISHED needs UID FETCH with CHANGEDSINCE");
            }
        }
    }

    /** How STORE changes flags: {@code FLAGS}, {@code +FLAGS}, {@code -FLAGS}. */
    enum StoreMode {
        REPLACE, ADD, REMOVE
    }

    /** {@code [UID] STORE set [(UNCHANGEDSINCE n)] [+-]FLAGS[.SILENT] flags} (RFC 7162). */
    record Store(String tag, boolean uid, SequenceSet set, StoreMode mode, boolean silent, List<String> flags,
            OptionalLong unchangedSince) implements ImapCommand {
        public Store {
            Objects.requireNonNull(set);
            Objects.requireNonNull(mode);
            flags = List.copyOf(flags);
            Objects.requireNonNull(unchangedSince);
        }
    }

    record Copy(String tag, boolean uid, SequenceSet set, MailboxName target) implements ImapCommand {
        public Copy {
            Objects.requireNonNull(set);
            Objects.requireNonNull(target);
        }
    }

    /** {@code [UID] MOVE set mailbox} (RFC 6851). */
    record Move(String tag, boolean uid, SequenceSet set, MailboxName target) implements ImapCommand {
        public Move {
            Objects.requireNonNull(set);
            Objects.requireNonNull(target);
        }
    }

    /** {@code GETQUOTA root} (RFC 9208); the root is an opaque string. */
    record GetQuota(String tag, String root) implements ImapCommand {
        public GetQuota {
            Objects.requireNonNull(root);
        }
    }

    record GetQuotaRoot(String tag, MailboxName mailbox) implements ImapCommand {
        public GetQuotaRoot {
            Objects.requireNonNull(mailbox);
        }
    }
}
