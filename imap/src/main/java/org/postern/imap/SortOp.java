package org.postern.imap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.field.DateTimeField;
import org.apache.james.mime4j.field.DateTimeFieldLenientImpl;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.apache.james.mime4j.stream.RawField;
import org.postern.access.Caller;
import org.postern.codec.imap.ImapCommand;
import org.postern.mail.mailbox.Mailboxes;
import org.postern.mail.mailbox.MessageState;
import org.postern.model.NotFoundException;

/**
 * {@code [UID] SORT} (RFC 5256): orders the messages a search found by ARRIVAL, CC, DATE, FROM,
 * SIZE, SUBJECT and TO, each optionally REVERSE, ties broken by sequence number. Only the header
 * of each message is read (at most {@link #MAX_HEADER_BYTES}); strings compare with
 * i;ascii-casemap, addresses by the mailbox (local part) of the first address, subjects by their
 * base subject, and a missing or unparsable Date: sorts by the internal date.
 */
final class SortOp {
    /** How much of a message is read to find its header. */
    static final int MAX_HEADER_BYTES = 256 << 10;

    private SortOp() {}

    /** The sort keys of one message, read once. */
    private record Keys(int seq, MessageState message, Instant sent, String from, String to, String cc,
            String subject) {}

    /** Whether the criteria are ones this server sorts by (DISPLAYFROM/DISPLAYTO need SORT=DISPLAY: not offered). */
    static boolean supported(List<ImapCommand.SortCriterion> criteria) {
        return criteria.stream().noneMatch(c -> c.key() == ImapCommand.SortKey.DISPLAYFROM
                || c.key() == ImapCommand.SortKey.DISPLAYTO);
    }

    /** The sequence numbers, sorted. */
    static List<Integer> sort(List<Integer> seqs, List<ImapCommand.SortCriterion> criteria, SelectedMailbox sel,
            Mailboxes mailboxes, Caller.User caller) throws IOException {
        boolean needsHeader = criteria.stream().anyMatch(c -> switch (c.key()) {
            case ARRIVAL, SIZE -> false;
            default -> true;
        });
        List<Keys> keys = new ArrayList<>(seqs.size());
        for (int seq : seqs) {
            MessageState m = sel.at(seq);
            MessageParts header = needsHeader ? header(mailboxes, caller, m) : null;
            if (header == null) {
                keys.add(new Keys(seq, m, m.internalDate(), "", "", "", ""));
                continue;
            }
            MessageParts.Entity root = header.root();
            Instant sent = sentDate(header.header(root, "Date"));
            keys.add(new Keys(seq, m, sent == null ? m.internalDate() : sent, firstMailbox(header.header(root, "From")),
                    firstMailbox(header.header(root, "To")), firstMailbox(header.header(root, "Cc")),
                    baseSubject(header.header(root, "Subject"))));
        }
        Comparator<Keys> order = null;
        for (ImapCommand.SortCriterion c : criteria) {
            Comparator<Keys> next = switch (c.key()) {
                case ARRIVAL -> Comparator.comparing((Keys k) -> k.message().internalDate());
                case DATE -> Comparator.comparing(Keys::sent);
                case SIZE -> Comparator.comparingLong((Keys k) -> k.message().size());
                case FROM -> Comparator.comparing(Keys::from);
                case TO -> Comparator.comparing(Keys::to);
                case CC -> Comparator.comparing(Keys::cc);
                case SUBJECT -> Comparator.comparing(Keys::subject);
                case DISPLAYFROM, DISPLAYTO -> throw new IllegalArgumentException("not offered");
            };
            if (c.reverse()) {
                next = next.reversed();
            }
            order = order == null ? next : order.thenComparing(next);
        }
        Comparator<Keys> bySeq = Comparator.comparingInt(Keys::seq);
        keys.sort(order == null ? bySeq : order.thenComparing(bySeq));
        return keys.stream().map(Keys::seq).toList();
    }

    /** The message's header (up to the blank line, bounded), parsed; null when the message is gone. */
    private static MessageParts header(Mailboxes mailboxes, Caller.User caller, MessageState m) throws IOException {
        try (InputStream in = mailboxes.openRaw(caller, m.id())) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
            int last = 0;
            int c;
            while (out.size() < MAX_HEADER_BYTES && (c = in.read()) >= 0) {
                out.write(c);
                if (c == '\n' && last == '\n') {
                    break;
                }
                if (c != '\r') {
                    last = c;
                }
            }
            return MessageParts.parse(out.toByteArray());
        } catch (NotFoundException e) {
            return null;
        }
    }

    private static Instant sentDate(String value) {
        if (value == null) {
            return null;
        }
        try {
            DateTimeField f = DateTimeFieldLenientImpl.PARSER.parse(new RawField("Date", value), DecodeMonitor.SILENT);
            return f.getDate() == null ? null : f.getDate().toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** RFC 5256: the addr-mailbox of the first address, compared case-insensitively; empty when none. */
    static String firstMailbox(String value) {
        if (value == null || value.isBlank()) {
            return "";
        }
        try {
            for (Address a : LenientAddressParser.DEFAULT.parseAddressList(value)) {
                Mailbox mb = a instanceof Mailbox m ? m
                        : a instanceof Group g && !g.getMailboxes().isEmpty() ? g.getMailboxes().get(0) : null;
                if (mb != null && mb.getLocalPart() != null) {
                    return casemap(mb.getLocalPart());
                }
            }
        } catch (RuntimeException e) {
            // unparsable: sorts as empty
        }
        return "";
    }

    /** RFC 5256 §2.1 base subject: decoded, blanks collapsed, reply/forward markers and blobs removed. */
    static String baseSubject(String value) {
        if (value == null) {
            return "";
        }
        String s = DecoderUtil.decodeEncodedWords(value, DecodeMonitor.SILENT).replaceAll("[\\t\\r\\n ]+", " ").strip();
        boolean changed = true;
        while (changed) {
            changed = false;
            // (2) trailing "(fwd)" and blanks
            while (s.toLowerCase(Locale.ROOT).endsWith("(fwd)")) {
                s = s.substring(0, s.length() - 5).strip();
                changed = true;
            }
            // (3)-(5) leading blobs and "re:", "fw:", "fwd:" (each optionally followed by a blob)
            boolean leader = true;
            while (leader) {
                leader = false;
                String lower = s.toLowerCase(Locale.ROOT);
                for (String prefix : List.of("re", "fwd", "fw")) {
                    if (lower.startsWith(prefix)) {
                        String rest = s.substring(prefix.length()).stripLeading();
                        rest = dropBlob(rest);
                        if (rest.startsWith(":")) {
                            s = rest.substring(1).strip();
                            leader = true;
                            changed = true;
                            break;
                        }
                    }
                }
                if (!leader && s.startsWith("[")) {
                    String rest = dropBlob(s);
                    if (!rest.equals(s) && !rest.isEmpty()) {
                        s = rest;
                        leader = true;
                        changed = true;
                    }
                }
            }
            // (6) "[fwd: ... ]"
            if (s.toLowerCase(Locale.ROOT).startsWith("[fwd:") && s.endsWith("]")) {
                s = s.substring(5, s.length() - 1).strip();
                changed = true;
            }
        }
        return casemap(s);
    }

    /** Removes one leading {@code [blob]} (no brackets inside) and the blanks after it. */
    private static String dropBlob(String s) {
        if (!s.startsWith("[")) {
            return s;
        }
        int close = s.indexOf(']');
        if (close < 0 || s.substring(1, close).indexOf('[') >= 0) {
            return s;
        }
        return s.substring(close + 1).stripLeading();
    }

    /** i;ascii-casemap: only a-z fold (RFC 4790); other characters compare as they are. */
    private static String casemap(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c >= 'a' && c <= 'z' ? (char) (c - 32) : c);
        }
        return b.toString();
    }
}
