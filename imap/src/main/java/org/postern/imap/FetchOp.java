package org.postern.imap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.postern.access.Caller;
import org.postern.codec.imap.FetchAttribute;
import org.postern.codec.imap.ImapCommand;
import org.postern.codec.imap.ImapResponse;
import org.postern.codec.imap.ImapValue;
import org.postern.mail.mailbox.Mailboxes;
import org.postern.mail.mailbox.MessageState;
import org.postern.mail.mailbox.EnvelopeFields;
import org.postern.model.MessageId;
import org.postern.model.NotFoundException;

/**
 * {@code [UID] FETCH}: index data from the view, content from the decrypted message (read once per
 * message, only when an item needs it; the whole message alone is streamed, never held). ENVELOPE,
 * when it is the only content item (what mail clients list mailboxes with), comes from the
 * messages' sealed summaries, decrypted in one read for the whole command ({@link SummaryHeaders}),
 * unless a summary cannot stand in for its message. A body section fetched without PEEK sets {@code \Seen}
 * in a read-write mailbox, and the response then carries the new FLAGS.
 */
final class FetchOp {
    private FetchOp() {}

    /**
     * A BINARY item named a part whose Content-Transfer-Encoding is not known here: the command
     * ends with {@code NO [UNKNOWN-CTE]} (RFC 3516 §4.3); answers already sent stand.
     */
    static final class UnknownTransferEncoding extends Exception {
        UnknownTransferEncoding() {
            super("unknown Content-Transfer-Encoding", null, false, false);
        }
    }

    /**
     * Writes one {@code * n FETCH} per message through {@code out}. With CHANGEDSINCE only messages
     * whose MODSEQ is above it are answered, and each answer carries MODSEQ (RFC 7162 §3.1.4);
     * under CONDSTORE ({@code condstore}) a \Seen set by this FETCH is reported with its MODSEQ.
     */
    static void run(ImapCommand.Fetch f, List<Integer> seqs, SelectedMailbox sel, Mailboxes mailboxes,
            Caller.User caller, boolean condstore, ResponseSink out) throws IOException, UnknownTransferEncoding {
        // Whole-message items alone (BODY[], BODY.PEEK[], RFC822: what sync clients fetch) are
        // streamed from the decrypted blob; anything else parses the message in memory.
        boolean streamed = f.attributes().stream().filter(FetchOp::needsContent).allMatch(FetchOp::wholeMessage);
        boolean needsContent = !streamed && f.attributes().stream().anyMatch(FetchOp::needsContent);
        boolean setsSeen = !sel.readOnly() && f.attributes().stream().anyMatch(FetchOp::setsSeen);
        boolean listsFlags = f.attributes().contains(FetchAttribute.Simple.FLAGS);
        boolean listsUid = f.attributes().contains(FetchAttribute.Simple.UID);
        boolean listsModSeq = f.attributes().contains(FetchAttribute.Simple.MODSEQ);
        boolean envelopeOnly = needsContent && f.attributes().stream().filter(FetchOp::needsContent)
                .allMatch(a -> a == FetchAttribute.Simple.ENVELOPE);
        Map<MessageId, EnvelopeFields> summaries = envelopeOnly
                ? mailboxes.summaries(caller, sel.mailbox().id(), seqs.stream().map(seq -> sel.at(seq).id()).toList())
                : Map.of();
        for (int seq : seqs) {
            MessageState m = sel.at(seq);
            if (f.changedSince().isPresent() && m.modSeq() <= f.changedSince().getAsLong()) {
                continue;
            }
            MessageParts parts = null;
            Optional<SummaryHeaders> headers = envelopeOnly ? SummaryHeaders.of(summaries.get(m.id())) : Optional.empty();
            if (needsContent && headers.isEmpty()) {
                try (InputStream in = mailboxes.openRaw(caller, m.id())) {
                    parts = MessageParts.parse(in.readAllBytes());
                } catch (NotFoundException e) {
                    continue; // expunged and purged meanwhile: nothing to show
                }
                // Refused before \Seen is set or anything is sent for this message.
                for (FetchAttribute a : f.attributes()) {
                    List<Integer> part = a instanceof FetchAttribute.Binary b ? b.part()
                            : a instanceof FetchAttribute.BinarySize b ? b.part() : null;
                    if (part != null && parts.binary(part) instanceof MessageParts.Binary.UnknownEncoding) {
                        throw new UnknownTransferEncoding();
                    }
                }
            }
            boolean flagsChanged = false;
            if (setsSeen && !m.flags().contains("\\Seen")) {
                Optional<Mailboxes.FlagUpdate> updated = mailboxes.updateFlags(caller, m.id(), current -> {
                    Set<String> flags = new HashSet<>(current);
                    flags.add("\\Seen");
                    return flags;
                }, Long.MAX_VALUE);
                if (updated.isPresent()) {
                    m = updated.get().message();
                    sel.update(m);
                    flagsChanged = true;
                }
            }
            List<ImapValue> pairs = new ArrayList<>();
            if (f.uid() && !listsUid) {
                pairs.add(new ImapValue.Atom("UID"));
                pairs.add(ImapValue.number(m.uid()));
            }
            List<InputStream> open = new ArrayList<>();
            try {
                for (FetchAttribute a : f.attributes()) {
                    pairs.add(new ImapValue.Raw(a.label()));
                    if (streamed && wholeMessage(a)) {
                        InputStream raw = mailboxes.openRaw(caller, m.id());
                        open.add(raw);
                        pairs.add(new ImapValue.Literal(m.size(), raw, false));
                    } else if (a == FetchAttribute.Simple.ENVELOPE && headers.isPresent()) {
                        pairs.add(headers.get().envelope());
                    } else {
                        pairs.add(value(a, m, parts));
                    }
                }
                addTrailer(pairs, f, m, flagsChanged, listsFlags, listsModSeq, condstore);
                out.send(ImapResponse.fetch(seq, pairs));
            } catch (NotFoundException e) {
                continue; // expunged and purged meanwhile: nothing to show
            } finally {
                for (InputStream in : open) {
                    in.close();
                }
            }
        }
    }

    /** FLAGS when this FETCH set \Seen (unless listed), MODSEQ under CHANGEDSINCE or CONDSTORE. */
    private static void addTrailer(List<ImapValue> pairs, ImapCommand.Fetch f, MessageState m, boolean flagsChanged,
            boolean listsFlags, boolean listsModSeq, boolean condstore) {
        if (flagsChanged && !listsFlags) {
            pairs.add(new ImapValue.Atom("FLAGS"));
            pairs.add(flags(m.flags()));
        }
        if (!listsModSeq && (f.changedSince().isPresent() || (flagsChanged && condstore))) {
            pairs.add(new ImapValue.Atom("MODSEQ"));
            pairs.add(ImapValue.list(ImapValue.number(m.modSeq())));
        }
    }

    /** The whole raw message, no partial: {@code BODY[]}, {@code BODY.PEEK[]}, {@code RFC822}. */
    private static boolean wholeMessage(FetchAttribute a) {
        return switch (a) {
            case FetchAttribute.Simple s -> s == FetchAttribute.Simple.RFC822;
            case FetchAttribute.BodySection b -> b.partial().isEmpty() && b.section().part().isEmpty()
                    && b.section().text() == FetchAttribute.SectionText.NONE;
            default -> false;
        };
    }

    private static boolean needsContent(FetchAttribute a) {
        return switch (a) {
            case FetchAttribute.Simple s -> switch (s) {
                case ENVELOPE, BODY, BODYSTRUCTURE, RFC822, RFC822_HEADER, RFC822_TEXT -> true;
                default -> false;
            };
            default -> true;
        };
    }

    private static boolean setsSeen(FetchAttribute a) {
        return switch (a) {
            case FetchAttribute.Simple s -> s == FetchAttribute.Simple.RFC822 || s == FetchAttribute.Simple.RFC822_TEXT;
            case FetchAttribute.BodySection b -> !b.peek();
            case FetchAttribute.Binary b -> !b.peek();
            default -> false;
        };
    }

    private static ImapValue value(FetchAttribute a, MessageState m, MessageParts parts) {
        return switch (a) {
            case FetchAttribute.Simple s -> switch (s) {
                case FLAGS -> flags(m.flags());
                case UID -> ImapValue.number(m.uid());
                case INTERNALDATE -> ImapResponse.internalDate(m.internalDate().atOffset(ZoneOffset.UTC));
                case RFC822_SIZE -> ImapValue.number(m.size());
                case MODSEQ -> ImapValue.list(ImapValue.number(m.modSeq()));
                case ENVELOPE -> parts.envelope();
                case BODY -> parts.bodyStructure(false);
                case BODYSTRUCTURE -> parts.bodyStructure(true);
                case RFC822 -> literal(parts.raw());
                case RFC822_HEADER -> literal(parts.section(new FetchAttribute.Section(List.of(),
                        FetchAttribute.SectionText.HEADER, List.of())).orElse(new byte[0]));
                case RFC822_TEXT -> literal(parts.section(new FetchAttribute.Section(List.of(),
                        FetchAttribute.SectionText.TEXT, List.of())).orElse(new byte[0]));
            };
            case FetchAttribute.BodySection b -> literal(partial(parts.section(b.section()).orElse(new byte[0]),
                    b.partial()));
            case FetchAttribute.Binary b -> {
                byte[] octets = partial(decoded(parts.binary(b.part())), b.partial());
                // literal8 only where it is needed: a NUL cannot travel in a plain literal (RFC 3516 §4.2).
                yield new ImapValue.Literal(octets.length, new ByteArrayInputStream(octets), containsNul(octets));
            }
            case FetchAttribute.BinarySize b -> ImapValue.number(decoded(parts.binary(b.part())).length);
        };
    }

    /** The decoded octets; a part that does not exist is empty, as BODY[] answers for one. */
    private static byte[] decoded(MessageParts.Binary binary) {
        return switch (binary) {
            case MessageParts.Binary.Decoded d -> d.octets();
            case MessageParts.Binary.NoSuchPart n -> new byte[0];
            case MessageParts.Binary.UnknownEncoding u -> throw new IllegalStateException("checked before answering");
        };
    }

    private static byte[] partial(byte[] octets, Optional<FetchAttribute.Partial> partial) {
        if (partial.isEmpty()) {
            return octets;
        }
        FetchAttribute.Partial p = partial.get();
        int from = (int) Math.min(octets.length, p.offset());
        int to = (int) Math.min(octets.length, p.offset() + Math.min(p.length(), Integer.MAX_VALUE));
        return java.util.Arrays.copyOfRange(octets, from, to);
    }

    private static boolean containsNul(byte[] octets) {
        for (byte b : octets) {
            if (b == 0) {
                return true;
            }
        }
        return false;
    }

    private static ImapValue literal(byte[] octets) {
        return new ImapValue.Literal(octets.length, new ByteArrayInputStream(octets), false);
    }

    /** A flag list in a stable order. */
    static ImapValue flags(Set<String> flags) {
        List<ImapValue> items = new ArrayList<>();
        for (String flag : new TreeSet<>(flags)) {
            items.add(new ImapValue.Flag(flag));
        }
        return new ImapValue.ListOf(items);
    }

    /** Where a FETCH writes its responses (the session, serialised with IDLE's updates). */
    @FunctionalInterface
    interface ResponseSink {
        void send(ImapResponse response) throws IOException;
    }
}
