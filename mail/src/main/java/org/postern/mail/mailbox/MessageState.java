package org.postern.mail.mailbox;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.postern.model.MessageId;

/** A live message's index data: what IMAP needs without opening the content. */
public record MessageState(MessageId id, long uid, long modSeq, Set<String> flags, Instant internalDate, long size) {
    public MessageState {
        Objects.requireNonNull(id);
        flags = Set.copyOf(flags);
        Objects.requireNonNull(internalDate);
    }
}
