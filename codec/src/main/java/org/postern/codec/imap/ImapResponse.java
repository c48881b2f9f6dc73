package org.postern.codec.imap;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One server response (RFC 9051 §7): a tagged completion, an untagged status, a continuation
 * request, or untagged data. Texts are validated at construction (printable US-ASCII, not
 * empty), so nothing the session passes can inject a line; texts are fixed by the session and
 * never echo client input. {@link ImapResponseWriter} encodes them.
 */
public sealed interface ImapResponse {

    /** The status of a completion or untagged status response. */
    enum Status {
        OK, NO, BAD, PREAUTH, BYE
    }

    /**
     * {@code tag OK|NO|BAD [code] text}: the completion of a command.
     *
     * @param tag the command's tag
     */
    record Tagged(String tag, Status status, Optional<ResponseCode> code, String text) implements ImapResponse {
        public Tagged {
            if (!ImapSyntax.isTag(tag)) {
                throw new IllegalArgumentException("not an IMAP tag");
            }
            if (status != Status.OK && status != Status.NO && status != Status.BAD) {
                throw new IllegalArgumentException("a tagged response is OK, NO or BAD");
            }
            Objects.requireNonNull(code);
            checkText(text);
        }
    }

    /** {@code * OK|NO|BAD|PREAUTH|BYE [code] text}. */
    record Untagged(Status status, Optional<ResponseCode> code, String text) implements ImapResponse {
        public Untagged {
            Objects.requireNonNull(status);
            Objects.requireNonNull(code);
            checkText(text);
        }
    }

    /**
     * {@code + text}: the server is ready for a literal or a SASL response. The text may be
     * empty (an empty SASL challenge) and is otherwise printable US-ASCII.
     */
    record Continuation(String text) implements ImapResponse {
        public Continuation {
            if (!text.isEmpty()) {
                checkText(text);
            }
        }
    }

    /** {@code * item item ...}: untagged data, its first item naming it ({@code 23 EXISTS}, {@code LIST ...}). */
    record Data(List<ImapValue> items) implements ImapResponse {
        public Data {
            items = List.copyOf(items);
            if (items.isEmpty()) {
                throw new IllegalArgumentException("untagged data needs at least one item");
            }
        }
    }

    private static void checkText(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("response text must not be empty");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("response text must be printable US-ASCII");
            }
        }
        if (text.charAt(0) == '[') {
            throw new IllegalArgumentException("response text must not look like a response code");
        }
    }

    // ------------------------------------------------------------------ status responses

    static Tagged ok(String tag, String text) {
        return new Tagged(tag, Status.OK, Optional.empty(), text);
    }

    static Tagged ok(String tag, ResponseCode code, String text) {
        return new Tagged(tag, Status.OK, Optional.of(code), text);
    }

    static Tagged no(String tag, String text) {
        return new Tagged(tag, Status.NO, Optional.empty(), text);
    }

    static Tagged no(String tag, ResponseCode code, String text) {
        return new Tagged(tag, Status.NO, Optional.of(code), text);
    }

    static Tagged bad(String tag, String text) {
        return new Tagged(tag, Status.BAD, Optional.empty(), text);
    }

    static Untagged untagged(Status status, String text) {
        return new Untagged(status, Optional.empty(), text);
    }

    static Untagged untagged(Status status, ResponseCode code, String text) {
        return new Untagged(status, Optional.of(code), text);
    }

    static Untagged bye(String text) {
        return new Untagged(Status.BYE, Optional.empty(), text);
    }

    /** {@code + go ahead}: the answer to an accepted synchronising literal. */
    static Continuation goAhead() {
        return new Continuation("go ahead");
    }

    // ------------------------------------------------------------------ untagged data

    /** {@code * CAPABILITY IMAP4rev1 ...}. */
    static Data capability(Collection<String> capabilities) {
        return keywordAndAtoms("CAPABILITY", capabilities);
    }

    /** {@code * ENABLED X Y} (RFC 5161); may name nothing. */
    static Data enabled(Collection<String> capabilities) {
        return keywordAndAtoms("ENABLED", capabilities);
    }

    /** {@code * n EXISTS}. */
    static Data exists(long count) {
        return new Data(List.of(new ImapValue.Number(count), new ImapValue.Atom("EXISTS")));
    }

    /** {@code * n RECENT} (IMAP4rev1 only). */
    static Data recent(long count) {
        return new Data(List.of(new ImapValue.Number(count), new ImapValue.Atom("RECENT")));
    }

    /** {@code * n EXPUNGE}. */
    static Data expunge(long sequenceNumber) {
        return new Data(List.of(new ImapValue.Number(sequenceNumber), new ImapValue.Atom("EXPUNGE")));
    }

    /** {@code * VANISHED [(EARLIER)] uids} (RFC 7162). */
    static Data vanished(boolean earlier, NumberRanges uids) {
        List<ImapValue> items = new ArrayList<>();
        items.add(new ImapValue.Atom("VANISHED"));
        if (earlier) {
            items.add(ImapValue.list(new ImapValue.Atom("EARLIER")));
        }
        items.add(new ImapValue.Raw(nonEmpty(uids)));
        return new Data(items);
    }

    /** {@code * FLAGS (\Answered ...)}. */
    static Data flags(Collection<String> flags) {
        return new Data(List.of(new ImapValue.Atom("FLAGS"), flagList(flags)));
    }

    /**
     * {@code * LIST (attributes) "/" name [extended items]} (RFC 3501, RFC 5258).
     *
     * @param delimiter the hierarchy delimiter, or null for NIL
     * @param extended extended data items such as {@code CHILDINFO ("SUBSCRIBED")}, name then value
     */
    static Data list(Collection<String> attributes, Character delimiter, MailboxName name,
            List<ImapValue> extended) {
        return listLike("LIST", attributes, delimiter, name, extended);
    }

    /** {@code * LSUB (attributes) "/" name}. */
    static Data lsub(Collection<String> attributes, Character delimiter, MailboxName name) {
        return listLike("LSUB", attributes, delimiter, name, List.of());
    }

    /** {@code * STATUS name (ITEM value ...)}; iteration order is kept. */
    static Data status(MailboxName name, Map<StatusItem, Long> values) {
        List<ImapValue> items = new ArrayList<>();
        for (Map.Entry<StatusItem, Long> e : values.entrySet()) {
            items.add(new ImapValue.Atom(e.getKey().wireName()));
            items.add(new ImapValue.Number(e.getValue()));
        }
        return new Data(List.of(new ImapValue.Atom("STATUS"), new ImapValue.Mailbox(name), new ImapValue.ListOf(items)));
    }

    /** {@code * SEARCH n n ...} with an optional {@code (MODSEQ n)} (RFC 7162). */
    static Data search(NumberRanges numbers, Optional<Long> highestModSeq) {
        List<ImapValue> items = new ArrayList<>();
        items.add(new ImapValue.Atom("SEARCH"));
        if (!numbers.isEmpty()) {
            items.add(new ImapValue.NumberSeries(numbers));
        }
        highestModSeq.ifPresent(m -> items.add(ImapValue.list(new ImapValue.Atom("MODSEQ"), new ImapValue.Number(m))));
        return new Data(items);
    }

    /** {@code * SORT n n ...} in the order given. */
    static Data sort(List<Long> numbers, Optional<Long> highestModSeq) {
        return numberList("SORT", numbers, highestModSeq);
    }

    /**
     * {@code * ESEARCH (TAG "tag") [UID] MIN n MAX n COUNT n ALL set [MODSEQ n]} (RFC 4731); absent
     * values are left out.
     */
    static Data esearch(String tag, boolean uid, Optional<Long> min, Optional<Long> max, Optional<Long> count,
            Optional<NumberRanges> all, Optional<Long> modSeq) {
        List<ImapValue> items = new ArrayList<>();
        items.add(new ImapValue.Atom("ESEARCH"));
        items.add(ImapValue.list(new ImapValue.Atom("TAG"), new ImapValue.Str(tag)));
        if (uid) {
            items.add(new ImapValue.Atom("UID"));
        }
        min.ifPresent(v -> items.addAll(List.of(new ImapValue.Atom("MIN"), new ImapValue.Number(v))));
        max.ifPresent(v -> items.addAll(List.of(new ImapValue.Atom("MAX"), new ImapValue.Number(v))));
        count.ifPresent(v -> items.addAll(List.of(new ImapValue.Atom("COUNT"), new ImapValue.Number(v))));
        all.filter(a -> !a.isEmpty())
                .ifPresent(v -> items.addAll(List.of(new ImapValue.Atom("ALL"), new ImapValue.Raw(v.toString()))));
        modSeq.ifPresent(v -> items.addAll(List.of(new ImapValue.Atom("MODSEQ"), new ImapValue.Number(v))));
        return new Data(items);
    }

    /**
     * {@code * n FETCH (name value ...)}: the items alternate a name ({@link FetchAttribute#label()}
     * as {@link ImapValue.Raw}, or an atom) and its value.
     */
    static Data fetch(long sequenceNumber, List<ImapValue> nameValuePairs) {
        if (nameValuePairs.size() % 2 != 0) {
            throw new IllegalArgumentException("FETCH items come in name/value pairs");
        }
        return new Data(List.of(new ImapValue.Number(sequenceNumber), new ImapValue.Atom("FETCH"),
                new ImapValue.ListOf(nameValuePairs)));
    }

    /** {@code INTERNALDATE} value: the quoted date-time. */
    static ImapValue internalDate(OffsetDateTime time) {
        return new ImapValue.Raw("\"" + ImapDates.formatDateTime(time) + "\"");
    }

    /**
     * {@code * NAMESPACE personal other shared} (RFC 2342); each argument is a list of
     * prefix/delimiter pairs or empty for NIL.
     */
    static Data namespace(Map<String, Character> personal, Map<String, Character> otherUsers,
            Map<String, Character> shared) {
        return new Data(List.of(new ImapValue.Atom("NAMESPACE"), namespaceList(personal), namespaceList(otherUsers),
                namespaceList(shared)));
    }

    /** {@code * ID ("name" "Postern" ...)} or {@code * ID NIL} (RFC 2971); null values are NIL. */
    static Data id(Map<String, String> fields) {
        if (fields.isEmpty()) {
            return new Data(List.of(new ImapValue.Atom("ID"), ImapValue.NIL));
        }
        List<ImapValue> items = new ArrayList<>();
        fields.forEach((k, v) -> {
            items.add(new ImapValue.Str(k));
            items.add(ImapValue.nstring(v));
        });
        return new Data(List.of(new ImapValue.Atom("ID"), new ImapValue.ListOf(items)));
    }

    /** {@code * QUOTA root (STORAGE used limit ...)} (RFC 9208); each resource maps to {used, limit}. */
    static Data quota(String root, Map<String, long[]> resources) {
        List<ImapValue> items = new ArrayList<>();
        resources.forEach((name, usage) -> {
            items.add(new ImapValue.Atom(name));
            items.add(new ImapValue.Number(usage[0]));
            items.add(new ImapValue.Number(usage[1]));
        });
        return new Data(List.of(new ImapValue.Atom("QUOTA"), new ImapValue.Str(root), new ImapValue.ListOf(items)));
    }

    /** {@code * QUOTAROOT mailbox root ...} (RFC 9208). */
    static Data quotaRoot(MailboxName mailbox, List<String> roots) {
        List<ImapValue> items = new ArrayList<>();
        items.add(new ImapValue.Atom("QUOTAROOT"));
        items.add(new ImapValue.Mailbox(mailbox));
        roots.forEach(r -> items.add(new ImapValue.Str(r)));
        return new Data(items);
    }

    private static ImapValue namespaceList(Map<String, Character> entries) {
        if (entries.isEmpty()) {
            return ImapValue.NIL;
        }
        List<ImapValue> out = new ArrayList<>();
        entries.forEach((prefix, delimiter) -> out.add(ImapValue.list(new ImapValue.Str(prefix),
                delimiter == null ? ImapValue.NIL : new ImapValue.Str(delimiter.toString()))));
        return new ImapValue.ListOf(out);
    }

    private static Data listLike(String keyword, Collection<String> attributes, Character delimiter, MailboxName name,
            List<ImapValue> extended) {
        List<ImapValue> items = new ArrayList<>();
        items.add(new ImapValue.Atom(keyword));
        items.add(flagList(attributes));
        items.add(delimiter == null ? ImapValue.NIL : new ImapValue.Str(delimiter.toString()));
        items.add(new ImapValue.Mailbox(name));
        if (!extended.isEmpty()) {
            items.add(new ImapValue.ListOf(extended));
        }
        return new Data(items);
    }

    private static ImapValue flagList(Collection<String> flags) {
        List<ImapValue> items = new ArrayList<>();
        for (String f : flags) {
            items.add(new ImapValue.Flag(f));
        }
        return new ImapValue.ListOf(items);
    }

    private static Data keywordAndAtoms(String keyword, Collection<String> atoms) {
        List<ImapValue> items = new ArrayList<>();
        items.add(new ImapValue.Atom(keyword));
        for (String a : atoms) {
            items.add(new ImapValue.Atom(a));
        }
        return new Data(items);
    }

    private static Data numberList(String keyword, List<Long> numbers, Optional<Long> highestModSeq) {
        List<ImapValue> items = new ArrayList<>();
        items.add(new ImapValue.Atom(keyword));
        for (long n : numbers) {
            items.add(new ImapValue.Number(n));
        }
        highestModSeq.ifPresent(m -> items.add(ImapValue.list(new ImapValue.Atom("MODSEQ"), new ImapValue.Number(m))));
        return new Data(items);
    }

    private static String nonEmpty(NumberRanges set) {
        if (set.isEmpty()) {
            throw new IllegalArgumentException("empty set");
        }
        return set.toString();
    }
}
