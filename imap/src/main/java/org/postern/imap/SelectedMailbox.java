package org.postern.imap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postern.access.Caller;
import org.postern.codec.imap.ImapResponse;
import org.postern.codec.imap.ImapValue;
import org.postern.codec.imap.NumberRanges;
import org.postern.codec.imap.SequenceSet;
import org.postern.mail.mailbox.MailboxState;
import org.postern.mail.mailbox.Mailboxes;
import org.postern.mail.mailbox.MessageState;
import org.postern.mail.mailbox.Snapshot;

/**
 * The session's view of its selected mailbox: the messages in sequence-number order as this
 * client knows them. Changes made elsewhere (delivery, other sessions) reach the view only in
 * {@link #refresh}, at the points the RFC allows: new messages and flag changes at any command,
 * expunges only where {@code allowExpunge} (never during FETCH, STORE or SEARCH by sequence
 * number, RFC 9051 §7.5.1); until then an expunged message keeps its sequence number.
 */
final class SelectedMailbox {
    private final MailboxState mailbox;
    private final boolean readOnly;
    private final ArrayList<MessageState> messages;
    private long knownUidNext;
    private long knownModSeq;
    private boolean condstore;
    private boolean qresync;
    // SEARCHRES (RFC 5182): the messages a SEARCH RETURN (SAVE) chose, by UID. Kept per selected
    // mailbox, so SELECT, EXAMINE, CLOSE and UNSELECT drop it with the view; an expunged message
    // leaves it by leaving the view (UIDs are never reused), and new messages never join it.
    private NumberRanges savedUids = NumberRanges.empty();

    SelectedMailbox(Snapshot snapshot, boolean readOnly) {
        this.mailbox = snapshot.mailbox();
        this.readOnly = readOnly;
        this.messages = new ArrayList<>(snapshot.messages());
        this.knownUidNext = snapshot.mailbox().uidNext();
        this.knownModSeq = snapshot.mailbox().highestModSeq();
    }

    MailboxState mailbox() {
        return mailbox;
    }

    /** CONDSTORE is on for the session (RFC 7162 §3.1): FETCH responses for flag changes carry MODSEQ. */
    void useCondstore() {
        condstore = true;
    }

    /** QRESYNC is on for the session (RFC 7162 §3.2): expunges are announced as VANISHED, by UID. */
    void useQresync() {
        condstore = true;
        qresync = true;
    }

    /** The flag data of an unsolicited or STORE FETCH response: FLAGS, UID and, under CONDSTORE, MODSEQ. */
    List<ImapValue> flagData(MessageState m, boolean withFlags) {
        List<ImapValue> pairs = new ArrayList<>();
        if (withFlags) {
            pairs.add(new ImapValue.Atom("FLAGS"));
            pairs.add(FetchOp.flags(m.flags()));
        }
        pairs.add(new ImapValue.Atom("UID"));
        pairs.add(ImapValue.number(m.uid()));
        if (condstore) {
            pairs.add(new ImapValue.Atom("MODSEQ"));
            pairs.add(ImapValue.list(ImapValue.number(m.modSeq())));
        }
        return pairs;
    }

    boolean readOnly() {
        return readOnly;
    }

    int count() {
        return messages.size();
    }

    /** The message at a sequence number (1-based). */
    MessageState at(int seq) {
        return messages.get(seq - 1);
    }

    long lastUid() {
        return messages.isEmpty() ? 0 : messages.getLast().uid();
    }

    List<MessageState> messages() {
        return List.copyOf(messages);
    }

    /** The sequence number of a UID, or 0. */
    int seqOf(long uid) {
        int lo = 0;
        int hi = messages.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long u = messages.get(mid).uid();
            if (u < uid) {
                lo = mid + 1;
            } else if (u > uid) {
                hi = mid - 1;
            } else {
                return mid + 1;
            }
        }
        return 0;
    }

    /** Thrown for a sequence number beyond the last message (answered BAD). */
    static final class NoSuchMessage extends Exception {
        private static final long serialVersionUID = 1L;

        NoSuchMessage() {
            super("no such message", null, false, false);
        }
    }

    /** Replaces the saved search result (SEARCH RETURN (SAVE)) with these UIDs. */
    void save(NumberRanges uids) {
        savedUids = uids;
    }

    /**
     * The saved search result as UIDs of messages still in the view, ascending; empty before any
     * SAVE (RFC 5182 §2.1: {@code $} is then the empty set, not an error).
     */
    NumberRanges savedUids() {
        List<Long> live = new ArrayList<>();
        if (!savedUids.isEmpty()) {
            for (MessageState m : messages) {
                if (savedUids.contains(m.uid())) {
                    live.add(m.uid());
                }
            }
        }
        return NumberRanges.of(live.stream().mapToLong(Long::longValue).toArray());
    }

    /**
     * The sequence numbers a set names, ascending; UIDs that do not exist are skipped. {@code $}
     * names the saved result's messages whether the command is by UID or by sequence number.
     */
    List<Integer> resolve(SequenceSet set, boolean uid) throws NoSuchMessage {
        List<Integer> out = new ArrayList<>();
        if (set.savedResult()) {
            if (!savedUids.isEmpty()) {
                for (int i = 0; i < messages.size(); i++) {
                    if (savedUids.contains(messages.get(i).uid())) {
                        out.add(i + 1);
                    }
                }
            }
            return out;
        }
        if (uid) {
            NumberRanges uids = set.resolve(Math.min(SequenceSet.MAX_NUMBER, Math.max(lastUid(), 0)));
            if (messages.isEmpty()) {
                return out;
            }
            for (int i = 0; i < messages.size(); i++) {
                if (uids.contains(messages.get(i).uid())) {
                    out.add(i + 1);
                }
            }
            return out;
        }
        if (set.largestNumber() > messages.size()) {
            throw new NoSuchMessage();
        }
        if (messages.isEmpty()) {
            if (set.usesStar()) {
                throw new NoSuchMessage();
            }
            return out;
        }
        set.resolve(messages.size()).stream().forEach(n -> out.add((int) n));
        return out;
    }

    /** Records a change this session made itself (its own STORE), so it is not reported again. */
    void update(MessageState changed) {
        int seq = seqOf(changed.uid());
        if (seq > 0) {
            messages.set(seq - 1, changed);
        }
    }

    /** Removes messages this session expunged, answering {@code * n EXPUNGE} for each, highest first. */
    List<ImapResponse> expunged(List<Long> uids) {
        List<ImapResponse> out = new ArrayList<>();
        List<Integer> seqs = new ArrayList<>();
        for (long uid : uids) {
            int seq = seqOf(uid);
            if (seq > 0) {
                seqs.add(seq);
            }
        }
        seqs.sort(java.util.Comparator.reverseOrder());
        List<Long> gone = new ArrayList<>();
        for (int seq : seqs) {
            gone.add(messages.remove(seq - 1).uid());
            if (!qresync) {
                out.add(ImapResponse.expunge(seq));
            }
        }
        if (qresync && !gone.isEmpty()) {
            out.add(ImapResponse.vanished(false, NumberRanges.of(gone.stream().mapToLong(Long::longValue).toArray())));
        }
        return out;
    }

    /**
     * The UIDs of {@code known} that may have been expunged after {@code modSeq} (RFC 7162
     * VANISHED (EARLIER)): those that are neither live nor known to have been expunged at or
     * before it. Purged messages are forgotten, so their UIDs are always included; a client
     * ignores UIDs it never had.
     */
    static NumberRanges vanishedSince(NumberRanges known, List<MessageState> live, List<Mailboxes.Expunged> expunged,
            long modSeq) {
        long[] excluded = java.util.stream.LongStream.concat(live.stream().mapToLong(MessageState::uid),
                expunged.stream().filter(e -> e.modSeq() <= modSeq).mapToLong(Mailboxes.Expunged::uid))
                .sorted().toArray();
        List<Long> bounds = new ArrayList<>();
        for (int i = 0; i < known.intervalCount(); i++) {
            long lo = known.low(i);
            long hi = known.high(i);
            int j = java.util.Arrays.binarySearch(excluded, lo);
            j = j < 0 ? -j - 1 : j;
            long cur = lo;
            for (; j < excluded.length && excluded[j] <= hi; j++) {
                if (excluded[j] > cur) {
                    bounds.add(cur);
                    bounds.add(excluded[j] - 1);
                }
                cur = Math.max(cur, excluded[j] + 1);
            }
            if (cur <= hi) {
                bounds.add(cur);
                bounds.add(hi);
            }
        }
        if (bounds.isEmpty()) {
            return NumberRanges.empty();
        }
        return SequenceSet.ofRanges(bounds.stream().mapToLong(Long::longValue).toArray())
                .resolve(SequenceSet.MAX_NUMBER);
    }

    /** Whether the mailbox changed since the view was last brought up to date: one indexed lookup. */
    boolean changed(Mailboxes mailboxes, Caller.User caller) {
        Optional<MailboxState> now = mailboxes.state(caller, mailbox.id());
        return now.isEmpty() || now.get().uidNext() != knownUidNext || now.get().highestModSeq() != knownModSeq;
    }

    /**
     * The incremental form of {@link #refresh}, with the same answers in the same order: expunges
     * (where allowed; otherwise the message stays, and the next refresh reads the whole mailbox
     * again), then new flags, then EXISTS for new messages.
     */
    private void apply(Mailboxes.Changes changes, boolean allowExpunge, List<ImapResponse> out) {
        boolean keptGhosts = false;
        if (allowExpunge) {
            out.addAll(expunged(changes.expungedUids()));
        } else {
            keptGhosts = changes.expungedUids().stream().anyMatch(uid -> seqOf(uid) > 0);
        }
        long last = lastUid();
        int before = messages.size();
        for (MessageState now : changes.live()) {
            int seq = seqOf(now.uid());
            if (seq == 0) {
                continue;
            }
            MessageState mine = messages.get(seq - 1);
            if (now.modSeq() != mine.modSeq()) {
                messages.set(seq - 1, now);
                if (!now.flags().equals(mine.flags())) {
                    out.add(ImapResponse.fetch(seq, flagData(now, true)));
                }
            }
        }
        for (MessageState now : changes.live()) {
            if (now.uid() > last) {
                messages.add(now);
            }
        }
        if (messages.size() != before) {
            out.add(ImapResponse.exists(messages.size()));
        }
        knownUidNext = changes.mailbox().uidNext();
        knownModSeq = keptGhosts ? -1 : changes.mailbox().highestModSeq();
    }

    /** Brings the view up to date and returns the untagged responses that tell the client. */
    List<ImapResponse> refresh(Mailboxes mailboxes, Caller.User caller, boolean allowExpunge) {
        List<ImapResponse> out = new ArrayList<>();
        if (!changed(mailboxes, caller)) {
            return out;
        }
        if (knownModSeq >= 0) {
            // Only what changed since the view was last complete, not the whole mailbox again.
            Optional<Mailboxes.Changes> changes = mailboxes.changesSince(caller, mailbox.id(), knownModSeq);
            if (changes.isPresent()) {
                apply(changes.get(), allowExpunge, out);
                return out;
            }
        }
        Optional<Snapshot> snapshot = mailboxes.snapshot(caller, mailbox.id());
        if (snapshot.isEmpty()) {
            // Deleted elsewhere: every message is gone.
            if (allowExpunge) {
                out.addAll(expunged(messages.stream().map(MessageState::uid).toList()));
            }
            return out;
        }
        Map<Long, MessageState> live = new HashMap<>();
        for (MessageState m : snapshot.get().messages()) {
            live.put(m.uid(), m);
        }
        boolean keptGhosts = false;
        if (allowExpunge) {
            List<Long> gone = new ArrayList<>();
            for (int seq = messages.size(); seq >= 1; seq--) {
                if (!live.containsKey(messages.get(seq - 1).uid())) {
                    gone.add(messages.remove(seq - 1).uid());
                    if (!qresync) {
                        out.add(ImapResponse.expunge(seq));
                    }
                }
            }
            if (qresync && !gone.isEmpty()) {
                out.add(ImapResponse.vanished(false,
                        NumberRanges.of(gone.stream().mapToLong(Long::longValue).toArray())));
            }
        }
        for (int i = 0; i < messages.size(); i++) {
            MessageState mine = messages.get(i);
            MessageState now = live.get(mine.uid());
            if (now == null) {
                keptGhosts = true;
                continue;
            }
            if (now.modSeq() != mine.modSeq()) {
                messages.set(i, now);
                if (!now.flags().equals(mine.flags())) {
                    out.add(ImapResponse.fetch(i + 1, flagData(now, true)));
                }
            }
        }
        long last = lastUid();
        int before = messages.size();
        for (MessageState m : snapshot.get().messages()) {
            if (m.uid() > last) {
                messages.add(m);
            }
        }
        if (messages.size() != before) {
            out.add(ImapResponse.exists(messages.size()));
        }
        knownUidNext = snapshot.get().mailbox().uidNext();
        // With expunges held back, look again next time.
        knownModSeq = keptGhosts ? -1 : snapshot.get().mailbox().highestModSeq();
        return out;
    }
}
