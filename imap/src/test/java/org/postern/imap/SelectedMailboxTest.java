package org.postern.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postern.codec.imap.NumberRanges;
import org.postern.codec.imap.SequenceSet;
import org.postern.mail.mailbox.MailboxState;
import org.postern.mail.mailbox.Mailboxes;
import org.postern.mail.mailbox.MessageState;
import org.postern.mail.mailbox.Snapshot;
import org.postern.model.MailboxId;
import org.postern.model.MessageId;

class SelectedMailboxTest {
    private static MessageState live(long uid) {
        return new MessageState(MessageId.random(), uid, uid, Set.of(), Instant.EPOCH, 10);
    }

    @Test
    void vanishedSinceNamesUidsExpungedLaterAndForgottenOnesButNotLiveOrEarlierExpunged() {
        List<MessageState> live = List.of(live(2), live(5), live(9));
        List<Mailboxes.Expunged> expunged = List.of(new Mailboxes.Expunged(3, 40), new Mailboxes.Expunged(4, 60),
                new Mailboxes.Expunged(7, 70));
        // 1, 6 and 8 were purged (no row), 3 went before MODSEQ 50, 4 and 7 after.
        assertThat(SelectedMailbox.vanishedSince(NumberRanges.range(1, 10), live, expunged, 50))
                .hasToString("1,4,6:8,10");
        assertThat(SelectedMailbox.vanishedSince(NumberRanges.of(2, 3, 5), live, expunged, 50)).isEqualTo(
                NumberRanges.empty());
        assertThat(SelectedMailbox.vanishedSince(NumberRanges.range(4, 4), live, expunged, 100)).isEqualTo(
                NumberRanges.empty());
    }

    private static SelectedMailbox view(long... uids) {
        List<MessageState> messages = java.util.Arrays.stream(uids).mapToObj(SelectedMailboxTest::live).toList();
        MailboxState box = new MailboxState(MailboxId.random(), "INBOX", Optional.empty(), true, 7,
                uids.length == 0 ? 1 : uids[uids.length - 1] + 1, 100);
        return new SelectedMailbox(new Snapshot(box, messages), false);
    }

    @Test
    void theSavedResultIsEmptyBeforeAnySaveWhateverTheCommand() throws Exception {
        SelectedMailbox sel = view(3, 4, 8);
        assertThat(sel.resolve(SequenceSet.SAVED_RESULT, false)).isEmpty();
        assertThat(sel.resolve(SequenceSet.SAVED_RESULT, true)).isEmpty();
        assertThat(sel.savedUids()).isEqualTo(NumberRanges.empty());
    }

    @Test
    void theSavedResultNamesTheSameMessagesBySequenceNumberOrUidAndLosesExpungedOnes() throws Exception {
        SelectedMailbox sel = view(3, 4, 8, 10, 11);
        sel.save(NumberRanges.of(4, 10, 11));
        assertThat(sel.resolve(SequenceSet.SAVED_RESULT, false)).containsExactly(2, 4, 5);
        assertThat(sel.resolve(SequenceSet.SAVED_RESULT, true)).containsExactly(2, 4, 5);

        sel.expunged(List.of(3L, 10L));
        // Sequence numbers shift with the expunge; the expunged message leaves the saved result.
        assertThat(sel.resolve(SequenceSet.SAVED_RESULT, false)).containsExactly(1, 3);
        assertThat(sel.savedUids()).hasToString("4,11");

        sel.save(NumberRanges.empty());
        assertThat(sel.resolve(SequenceSet.SAVED_RESULT, true)).isEmpty();
    }
}
