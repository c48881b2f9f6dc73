package org.postern.mail.mailbox;

import java.util.Objects;
import java.util.Optional;
import org.postern.model.MailboxId;
import org.postern.model.SpecialUse;

/**
 * A mailbox as a protocol sees it: its name and the counters IMAP synchronisation needs
 * (UIDs are never reused within one {@code uidValidity}; {@code highestModSeq} only grows).
 */
public record MailboxState(MailboxId id, String name, Optional<SpecialUse> specialUse, boolean subscribed,
        long uidValidity, long uidNext, long highestModSeq) {
    public MailboxState {
        Objects.requireNonNull(id);
        Objects.requireNonNull(name);
        Objects.requireNonNull(specialUse);
    }
}
