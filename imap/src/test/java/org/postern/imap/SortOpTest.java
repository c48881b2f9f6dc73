package org.postern.imap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SortOpTest {
    @Test
    void baseSubjectDropsReplyAndForwardMarkersBlobsAndTrailers() {
        assertThat(SortOp.baseSubject("Re: [list] Banana")).isEqualTo("BANANA");
        assertThat(SortOp.baseSubject("RE[2]: re: Fwd: apple (fwd)")).isEqualTo("APPLE");
        assertThat(SortOp.baseSubject("[Fwd: cherry]")).isEqualTo("CHERRY");
        assertThat(SortOp.baseSubject("=?UTF-8?Q?Re=3A_caf=C3=A9?=")).isEqualTo("CAFé");
        assertThat(SortOp.baseSubject("[only a blob]")).isEqualTo("[ONLY A BLOB]");
        assertThat(SortOp.baseSubject("Regarding   the\t plan")).isEqualTo("REGARDING THE PLAN");
        assertThat(SortOp.baseSubject(null)).isEmpty();
    }

    @Test
    void addressesSortByTheMailboxOfTheFirstAddress() {
        assertThat(SortOp.firstMailbox("\"Zed\" <Alice@example.test>, bob@example.test")).isEqualTo("ALICE");
        assertThat(SortOp.firstMailbox("team: carol@example.test;")).isEqualTo("CAROL");
        assertThat(SortOp.firstMailbox("")).isEmpty();
        assertThat(SortOp.firstMailbox("undisclosed-recipients:;")).isEmpty();
    }
}
