package org.postern.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postern.codec.imap.NumberRanges;
import org.postern.mail.mailbox.Mailboxes;
import org.postern.mail.mailbox.MessageState;
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
}
