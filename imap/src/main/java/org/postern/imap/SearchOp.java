package org.postern.imap;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.dom.field.DateTimeField;
import org.apache.james.mime4j.field.DateTimeFieldLenientImpl;
import org.apache.james.mime4j.stream.RawField;
import org.postern.access.Caller;
import org.postern.codec.imap.SearchKey;
import org.postern.codec.imap.SequenceSet;
import org.postern.mail.mailbox.Mailboxes;
import org.postern.mail.mailbox.MessageState;
import org.postern.mail.mailbox.EnvelopeFields;
import org.postern.model.MessageId;
import org.postern.model.NotFoundException;

/**
 * Evaluates a {@link SearchKey} against one message: index keys (sequence numbers, UIDs, flags,
 * dates, sizes, MODSEQ) from the view; keys on the envelope fields (FROM, TO, CC, BCC, SUBJECT,
 * SENTBEFORE/ON/SINCE, HEADER of one of those fields) from the message's sealed summary, decrypted
 * for the whole view in one read the first time a key needs it ({@link SummaryHeaders}); other
 * header and text keys from the decrypted message, read only when a key needs it, as is a message
 * whose summary cannot stand in for it. Matching is a case-insensitive substring test (linear; no
 * patterns), on the raw and the RFC 2047-decoded header value; body text is matched as stored (not
 * transfer-decoded). An envelope field is matched in its first occurrence (RFC 5322 allows one).
 */
final class SearchOp {
    private final SelectedMailbox sel;
    private final Mailboxes mailboxes;
    private final Caller.User caller;
    private final Instant now;
    private Map<MessageId, EnvelopeFields> summaries;

    SearchOp(SelectedMailbox sel, Mailboxes mailboxes, Caller.User caller, Instant now) {
        this.sel = sel;
        this.mailboxes = mailboxes;
        this.caller = caller;
        this.now = now;
    }

    /** Thrown for {@code $}, which needs SEARCHRES (not offered). */
    static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unsupported() {
            super("unsupported search key", null, false, false);
        }
    }

    /** One message under evaluation; its content is read at most once. */
    private final class Candidate {
        final int seq;
        final MessageState m;
        MessageParts parts;
        boolean gone;
        Optional<SummaryHeaders> headers;

        Candidate(int seq, MessageState m) {
            this.seq = seq;
            this.m = m;
        }

        MessageParts parts() throws IOException {
            if (parts == null && !gone) {
                try (InputStream in = mailboxes.openRaw(caller, m.id())) {
                    parts = MessageParts.parse(in.readAllBytes());
                } catch (NotFoundException e) {
                    gone = true;
                }
            }
            return parts;
        }

        /** The envelope fields from the summary, or empty when the message itself must be read. */
        Optional<SummaryHeaders> headers() {
            if (headers == null) {
                if (summaries == null) {
                    summaries = mailboxes.summaries(caller, sel.mailbox().id(),
                            sel.messages().stream().map(MessageState::id).toList());
                }
                headers = SummaryHeaders.of(summaries.get(m.id()));
            }
            return headers;
        }
    }

    boolean matches(SearchKey key, int seq) throws IOException {
        return eval(key, new Candidate(seq, sel.at(seq)));
    }

    private boolean eval(SearchKey key, Candidate c) throws IOException {
        return switch (key) {
            case SearchKey.All a -> true;
            case SearchKey.SequenceNumbers s -> set(s.set(), sel.count()).contains(c.seq);
            case SearchKey.Uids u -> set(u.set(), sel.lastUid()).contains(c.m.uid());
            case SearchKey.Flag f -> hasFlag(c.m, f.flag());
            case SearchKey.Not n -> !eval(n.key(), c);
            case SearchKey.And a -> {
                for (SearchKey k : a.keys()) {
                    if (!eval(k, c)) {
                        yield false;
                    }
                }
                yield true;
            }
            case SearchKey.Or o -> eval(o.left(), c) || eval(o.right(), c);
            case SearchKey.Date d -> {
                LocalDate date = d.field() == SearchKey.DateField.INTERNAL
                        ? c.m.internalDate().atOffset(ZoneOffset.UTC).toLocalDate() : sentDate(c);
                if (date == null) {
                    yield false;
                }
                yield switch (d.comparison()) {
                    case BEFORE -> date.isBefore(d.date());
                    case ON -> date.equals(d.date());
                    case SINCE -> !date.isBefore(d.date());
                };
            }
            case SearchKey.Size s -> s.larger() ? c.m.size() > s.octets() : c.m.size() < s.octets();
            case SearchKey.Text t -> text(t, c);
            case SearchKey.Header h -> {
                if (SummaryHeaders.covers(h.field()) && c.headers().isPresent()) {
                    yield headerContains(c.headers().get().get(h.field()), h.value());
                }
                MessageParts p = c.parts();
                yield p != null && headerContains(p, h.field(), h.value());
            }
            case SearchKey.ModSeq ms -> c.m.modSeq() >= ms.modSeq();
            case SearchKey.Within w -> w.older() ? !c.m.internalDate().isAfter(now.minusSeconds(w.seconds()))
                    : !c.m.internalDate().isBefore(now.minusSeconds(w.seconds()));
        };
    }

    private static org.postern.codec.imap.NumberRanges set(SequenceSet set, long max) {
        if (set.savedResult()) {
            throw new Unsupported();
        }
        return set.resolve(Math.max(0, Math.min(max, SequenceSet.MAX_NUMBER)));
    }

    private static boolean hasFlag(MessageState m, String flag) {
        if (flag.startsWith("\\")) {
            return m.flags().contains(flag);
        }
        return m.flags().stream().anyMatch(f -> f.equalsIgnoreCase(flag));
    }

    private LocalDate sentDate(Candidate c) throws IOException {
        String value;
        if (c.headers().isPresent()) {
            value = c.headers().get().get("Date");
        } else {
            MessageParts p = c.parts();
            value = p == null ? null : p.header(p.root(), "Date");
        }
        if (value == null) {
            return null;
        }
        try {
            DateTimeField f = DateTimeFieldLenientImpl.PARSER.parse(new RawField("Date", value), DecodeMonitor.SILENT);
            return f.getDate() == null ? null : f.getDate().toInstant().atOffset(ZoneOffset.UTC).toLocalDate();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private boolean text(SearchKey.Text t, Candidate c) throws IOException {
        String field = switch (t.field()) {
            case FROM -> "From";
            case TO -> "To";
            case CC -> "Cc";
            case BCC -> "Bcc";
            case SUBJECT -> "Subject";
            case BODY, TEXT -> null;
        };
        if (field != null && c.headers().isPresent()) {
            return headerContains(c.headers().get().get(field), t.value());
        }
        MessageParts p = c.parts();
        if (p == null) {
            return false;
        }
        return switch (t.field()) {
            case FROM -> headerContains(p, "From", t.value());
            case TO -> headerContains(p, "To", t.value());
            case CC -> headerContains(p, "Cc", t.value());
            case BCC -> headerContains(p, "Bcc", t.value());
            case SUBJECT -> headerContains(p, "Subject", t.value());
            case BODY -> contains(p.bodyText(), t.value());
            case TEXT -> contains(new String(p.raw(), java.nio.charset.StandardCharsets.UTF_8), t.value());
        };
    }

    private static boolean headerContains(MessageParts p, String field, String needle) {
        for (MessageParts.Field f : p.root().fields) {
            if (!f.name().equalsIgnoreCase(field)) {
                continue;
            }
            if (needle.isEmpty()) {
                return true;
            }
            String raw = p.header(fieldOnly(p, f), field);
            if (raw != null && (contains(raw, needle)
                    || contains(DecoderUtil.decodeEncodedWords(raw, DecodeMonitor.SILENT), needle))) {
                return true;
            }
        }
        return false;
    }

    /** The summary's value of a field (null: the message has none) holds the needle, raw or decoded. */
    private static boolean headerContains(String raw, String needle) {
        if (raw == null) {
            return false;
        }
        return needle.isEmpty() || contains(raw, needle)
                || contains(DecoderUtil.decodeEncodedWords(raw, DecodeMonitor.SILENT), needle);
    }

    /** An entity holding just one field, so {@link MessageParts#header} reads that occurrence. */
    private static MessageParts.Entity fieldOnly(MessageParts p, MessageParts.Field f) {
        MessageParts.Entity e = new MessageParts.Entity();
        e.fields.add(f);
        return e;
    }

    private static boolean contains(String haystack, String needle) {
        return haystack.toLowerCase(Locale.ROOT).contains(needle.toLowerCase(Locale.ROOT));
    }
}
