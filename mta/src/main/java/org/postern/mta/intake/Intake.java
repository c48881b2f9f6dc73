package org.postern.mta.intake;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.postern.mail.directory.Recipient;
import org.postern.mail.message.LocalDelivery;
import org.postern.model.EmailAddress;
import org.postern.model.MessageId;
import org.postern.model.SpecialUse;
import org.postern.model.UnavailableException;
import org.postern.model.UserId;
import org.postern.mta.outbound.OutboundQueue;
import org.postern.store.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only writer of accepted mail. Stores one copy per owning account (each encrypted under its
 * owner's key: an account's mail never shares a blob with another's), with the trace and
 * authentication headers prepended. It returns only when every copy is durable; if any copy
 * fails, the ones already written are withdrawn and the whole transaction fails, so the client
 * retries it and nobody gets a duplicate. Front ends get message ids back, never storage rows.
 */
public final class Intake {
    private static final Logger LOG = LoggerFactory.getLogger(Intake.class);
    private static final int MAX_HEADER_BYTES = 1024 * 1024;

    private final LocalDelivery delivery;
    private final OutboundQueue outbound;
    private final Clock clock;

    /** Local delivery only: a transaction with remote recipients fails. */
    public Intake(LocalDelivery delivery, Clock clock) {
        this(delivery, null, clock);
    }

    /** @param outbound where remote recipients go (the persistent outbound queue) */
    public Intake(LocalDelivery delivery, OutboundQueue outbound, Clock clock) {
        this.delivery = delivery;
        this.outbound = outbound;
        this.clock = clock;
    }

    /** True when remote recipients can be accepted (an outbound queue is wired in). */
    public boolean acceptsRemote() {
        return outbound != null;
    }

    /**
     * Remote recipients of a submitted message: queued for delivery by the sender's account,
     * as part of the same all-or-nothing transaction as the local copies.
     */
    public record Relay(Recipient sender, EmailAddress envelopeFrom, List<EmailAddress> recipients) {
        public Relay {
            recipients = List.copyOf(recipients);
        }
    }

    /** One copy to store: an owner's account and which of their special-use mailboxes. */
    public record Copy(Recipient recipient, SpecialUse target) {}

    /**
     * @param recipients the accepted recipients (several may belong to one account)
     * @param target INBOX, or JUNK for quarantined mail
     * @param prepend header fields to add on top, each ending in CRLF
     * @param dropHeader header fields of the original to remove (forged Authentication-Results)
     * @param maxBytes the size limit for each stored copy (message plus prepended headers)
     */
    public List<MessageId> deliver(List<Recipient> recipients, SpecialUse target, List<String> prepend,
            Predicate<String> dropHeader, Spool spool, long maxBytes) {
        return deliver(recipients.stream().map(r -> new Copy(r, target)).toList(), prepend, dropHeader, spool, maxBytes);
    }

    /**
     * The message exactly as {@link #deliver(List, List, Predicate, Spool, long)} stores it with the
     * same {@code prepend} and {@code dropHeader}, so a signer can sign the bytes that are kept.
     */
    public static InputStream rewritten(Spool spool, List<String> prepend, Predicate<String> dropHeader)
            throws IOException {
        return HeaderRewriter.rewrite(spool.open(), prepend, dropHeader, MAX_HEADER_BYTES);
    }

    /**
     * Stores every copy (one per account and mailbox: a sender writing to themselves gets one in
     * INBOX and one in Sent) as one transaction: all durable, or none kept. A copy records the
     * address it was delivered to; when one account is reached through several of its addresses
     * (To: a@, Cc: b@, both theirs), it gets one copy, which records the first of those addresses
     * in the order the recipients were accepted (RCPT TO order).
     */
    public List<MessageId> deliver(List<Copy> copies, List<String> prepend, Predicate<String> dropHeader, Spool spool,
            long maxBytes) {
        return deliver(copies, Optional.empty(), prepend, dropHeader, spool, maxBytes);
    }

    /**
     * Stores every local copy and queues the message for {@code relay}'s remote recipients, as one
     * transaction: the queue entry is written last (blob fsynced, rows committed), and if it
     * fails the local copies are withdrawn, so the client's retry duplicates nothing.
     */
    public List<MessageId> deliver(List<Copy> copies, Optional<Relay> relay, List<String> prepend,
            Predicate<String> dropHeader, Spool spool, long maxBytes) {
        if (relay.isPresent() && outbound == null) {
            throw new UnavailableException("outbound delivery is not available");
        }
        record Key(UserId owner, SpecialUse target) {}
        Map<Key, Copy> unique = new LinkedHashMap<>();
        for (Copy c : copies) {
            unique.putIfAbsent(new Key(c.recipient().ownerId(), c.target()), c);
        }
        Instant now = clock.instant();
        List<StoredMessage> stored = new ArrayList<>();
        try {
            for (Copy c : unique.values()) {
                try (InputStream content = rewritten(spool, prepend, dropHeader)) {
                    stored.add(delivery.deliver(c.recipient(), c.target(), content, now, maxBytes));
                }
            }
            if (relay.isPresent() && !relay.get().recipients().isEmpty()) {
                Relay r = relay.get();
                try (InputStream content = HeaderRewriter.rewrite(spool.open(), prepend, dropHeader, MAX_HEADER_BYTES)) {
                    outbound.enqueue(r.sender(), r.envelopeFrom(), r.recipients(), content, maxBytes);
                }
            }
            return stored.stream().map(StoredMessage::id).toList();
        } catch (IOException | RuntimeException e) {
            for (StoredMessage m : stored) {
                try {
                    delivery.withdraw(m, now);
                } catch (RuntimeException withdrawFailure) {
                    LOG.error("event=intake.withdraw_failed message={} reason={}", m.id(),
                            withdrawFailure.getClass().getSimpleName());
                }
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new UnavailableException("could not read the spooled message", e);
        }
    }
}
