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

    /** The sequence numbers a set names, ascending; UIDs that do not exist are skipped. */
    List<Integer> resolve(SequenceSet set, boolean uid) throws NoSuchMessage {
        List<Integer> out = new ArrayList<>();
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
        for (int seq : seqs) {
            messages.remove(seq - 1);
            out.add(ImapResponse.expunge(seq));
        }
        return out;
    }

    /** Whether the mailbox changed since the view was last brought up to date: one indexed lookup. */
    boolean changed(Mailboxes mailboxes, Caller.User caller) {
        Optional<MailboxState> now = mailboxes.state(caller, mailbox.id());
        return now.isEmpty() || now.get().uidNext() != knownUidNext || now.get().highestModSeq() != knownModSeq;
    }

    /** Brings the view up to date and returns the untagged responses that tell the client. */
    List<ImapResponse> refresh(Mailboxes mailboxes, Caller.User caller, boolean allowExpunge) {
        List<ImapResponse> out = new ArrayList<>();
        if (!changed(mailboxes, caller)) {
            return out;
        }
        Optional<Snapshot> snapshot = mailboxes.snapshot(caller, mailbox.id());
        if (snapshot.isEmpty()) {
            // Deleted elsewhere: every message is gone.
            if (allowExpunge) {
                for (int seq = messages.size(); seq >= 1; seq--) {
                    out.add(ImapResponse.expunge(seq));
                }
                messages.clear();
            }
            return out;
        }
        Map<Long, MessageState> live = new HashMap<>();
        for (MessageState m : snapshot.get().messages()) {
            live.put(m.uid(), m);
        }
        boolean keptGhosts = false;
        if (allowExpunge) {
            for (int seq = messages.size(); seq >= 1; seq--) {
                if (!live.containsKey(messages.get(seq - 1).uid())) {
                    messages.remove(seq - 1);
                    out.add(ImapResponse.expunge(seq));
                }
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
                    out.add(ImapResponse.fetch(i + 1, List.of(new ImapValue.Atom("FLAGS"), FetchOp.flags(now.flags()),
                            new ImapValue.Atom("UID"), ImapValue.number(now.uid()))));
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
