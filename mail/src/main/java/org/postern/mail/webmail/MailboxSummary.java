package org.postern.mail.webmail;

import java.util.Optional;
import org.postern.model.MailboxId;
import org.postern.model.SpecialUse;

/** A mailbox with its counts of live messages and of those not yet seen. */
public record MailboxSummary(MailboxId id, String name, Optional<SpecialUse> specialUse, long total, long unseen) {}
