package org.postern.mail.webmail;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.postern.model.AddressId;
import org.postern.model.EmailAddress;
import org.postern.model.MailboxId;
import org.postern.model.MessageId;

/**
 * A message in a list: header fields decoded (RFC 2047) but otherwise as sent, the server's
 * facts (arrival, size, flags) and the address it arrived on.
 *
 * @param date the Date: header, when it parses
 * @param received when the message arrived (its internal date)
 * @param arrivedOn the owner's address it was delivered to, with its id; empty for Sent copies and APPENDs
 */
public record Envelope(MessageId id, MailboxId mailbox, String from, String to, String cc, String subject,
        Optional<Instant> date, Instant received, long size, Set<String> flags, boolean hasAttachment,
        Optional<ArrivedOn> arrivedOn) {

    /** The address a message arrived on. */
    public record ArrivedOn(AddressId id, EmailAddress address) {}
}
