package org.postern.mail.mailbox;

import java.util.List;
import java.util.Objects;

/** A mailbox and its live messages (by UID ascending), read in one transaction. */
public record Snapshot(MailboxState mailbox, List<MessageState> messages) {
    public Snapshot {
        Objects.requireNonNull(mailbox);
        messages = List.copyOf(messages);
    }
}
