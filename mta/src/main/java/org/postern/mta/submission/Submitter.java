package org.postern.mta.submission;

import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.postern.access.Caller;
import org.postern.codec.smtp.SmtpReply;
import org.postern.mail.directory.Directory;
import org.postern.mail.directory.Recipient;
import org.postern.mail.directory.RecipientCheck;
import org.postern.model.DomainName;
import org.postern.model.EmailAddress;
import org.postern.model.MessageId;
import org.postern.model.Redact;
import org.postern.model.SpecialUse;
import org.postern.model.SubmissionLimits;
import org.postern.model.TenantId;
import org.postern.mta.dkim.DkimSigning;
import org.postern.mta.intake.Intake;
import org.postern.mta.intake.Spool;
import org.postern.mta.limits.KeyedRateLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path a signed-in user's message takes, whether it came over SMTP submission or the
 * JSON API: the envelope sender and the From:/Sender: authors must be active addresses of the
 * user, the hourly budget (one per user, shared by every front end), the recipient and size
 * limits (the user's tenant's, read for every transaction so an admin's change applies to the next
 * one without a restart), the fixes ({@link SubmissionFixes}), the DKIM signatures, then {@link Intake} stores
 * the local copies and the Sent copy and queues the remote recipients, durable before it returns.
 *
 * <p>SMTP asks the questions one command at a time ({@link #sender}, {@link #chargeHourly},
 * {@link #recipient}, then {@link #submit}); the API calls {@link #submitWhole} which asks them
 * in the same order. Refusals carry the SMTP reply (the API maps their {@link Reason}) and what
 * to write in the user's audit log; this class never writes the audit log itself, since the
 * front end knows the client.
 */
public final class Submitter {
    private static final Logger LOG = LoggerFactory.getLogger(Submitter.class);
    private static final Logger SECURITY = LoggerFactory.getLogger("postern.security");
    private static final Caller LOOKUP = new Caller.System("submission");
    /** Smaller than intake's header window, so every field of an accepted header section is filtered. */
    private static final int MAX_HEADER_BYTES = 256 * 1024;
    /** Room for the Date: and Message-ID: submission may add. */
    private static final long HEADER_ROOM_BYTES = 4 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Why a submission was refused; front ends map it to their own status codes. */
    public enum Reason {
        SENDER_NOT_OWNED, FROM_INVALID, FROM_NOT_OWNED, MESSAGES_PER_HOUR, RECIPIENTS_PER_MESSAGE, MESSAGE_SIZE,
        HEADER_SIZE, MALFORMED, RECIPIENT_UNKNOWN, MAILBOX_FULL, REMOTE_UNAVAILABLE, NO_RECIPIENTS
    }

    /** What became of a submission. */
    public sealed interface Result {
        /**
         * Durable: every local copy stored and the remote recipients queued.
         *
         * @param id the short id named in the reply
         * @param sentCopy the sender's Sent copy, when one was stored
         * @param queued true when some recipients are remote (queued for outbound delivery)
         */
        record Accepted(String id, Optional<MessageId> sentCopy, boolean queued) implements Result {}

        /**
         * @param reply the SMTP answer
         * @param audit details for the user's audit log ("reason" first), empty when not audited
         */
        record Refused(Reason reason, SmtpReply reply, Map<String, String> audit) implements Result {}

        /** Nothing kept; the client may retry. The correlation id is in the log with the cause. */
        record TemporaryFailure(String correlation, SmtpReply reply) implements Result {}
    }

    /**
     * A message handed in: who sends it, to whom, and its content.
     *
     * @param limits the limits the transaction was checked against ({@link #limits})
     */
    public record Submission(Caller.User user, Recipient senderAccount, EmailAddress envelopeFrom,
            List<Recipient> localRecipients, List<EmailAddress> remoteRecipients, boolean sentCopy,
            SubmissionLimits limits) {
        public Submission {
            localRecipients = List.copyOf(localRecipients);
            remoteRecipients = List.copyOf(remoteRecipients);
            Objects.requireNonNull(limits, "limits");
        }
    }

    private final String hostname;
    private final Directory directory;
    private final Intake intake;
    private final DkimSigning signing;
    private final KeyedRateLimiter messagesPerUser;
    private final Clock clock;
    private final SubmissionLimits serverLimits;
    private final Function<TenantId, SubmissionLimits> tenantLimits;

    /**
     * @param messagesPerUser the hourly buckets, one per user; each call says the user's capacity
     * @param serverLimits the configuration's limits, for callers that have no user yet
     * @param tenantLimits the limits in force for a tenant's users; may throw when storage fails
     */
    public Submitter(String hostname, Directory directory, Intake intake, DkimSigning signing,
            KeyedRateLimiter messagesPerUser, Clock clock, SubmissionLimits serverLimits,
            Function<TenantId, SubmissionLimits> tenantLimits) {
        this.hostname = Objects.requireNonNull(hostname, "hostname");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.intake = Objects.requireNonNull(intake, "intake");
        this.signing = Objects.requireNonNull(signing, "signing");
        this.messagesPerUser = Objects.requireNonNull(messagesPerUser, "messagesPerUser");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.serverLimits = Objects.requireNonNull(serverLimits, "serverLimits");
        this.tenantLimits = Objects.requireNonNull(tenantLimits, "tenantLimits");
    }

    /** The configuration's limits: what is announced before a user has signed in. */
    public SubmissionLimits serverLimits() {
        return serverLimits;
    }

    /**
     * The limits in force for the user (their tenant's overrides over the server's defaults), read
     * now. Lookup failures throw; the front end refuses with a temporary failure.
     */
    public SubmissionLimits limits(Caller.User user) {
        return Objects.requireNonNull(tenantLimits.apply(user.tenantId()), "limits");
    }

    public boolean acceptsRemote() {
        return intake.acceptsRemote();
    }

    /**
     * The user's account behind {@code sender} when it is one of their active addresses; empty
     * otherwise (a revoked or suspended address, another user's, or none). Lookup failures throw.
     */
    public Optional<Recipient> sender(Caller.User user, EmailAddress sender) {
        return directory.ownActiveAddress(user, sender);
    }

    /** The refusal for an envelope sender that is not the user's, for the reply and the audit log. */
    public static Result.Refused senderRefused(Optional<EmailAddress> sender) {
        String shown = sender.map(Redact::address).orElse("<>");
        return new Result.Refused(Reason.SENDER_NOT_OWNED,
                SmtpReply.of(553, "5.7.1", "Sender address is not an active address of yours"),
                Map.of("reason", "envelope_sender_not_owned", "sender", shown));
    }

    /** Takes one message from the user's hourly budget, of the size {@code limits} say; empty when there was room. */
    public Optional<Result.Refused> chargeHourly(Caller.User user, SubmissionLimits limits) {
        if (messagesPerUser.tryAcquireWithin(user.userId().toString(), limits.messagesPerHour())) {
            return Optional.empty();
        }
        return Optional.of(new Result.Refused(Reason.MESSAGES_PER_HOUR,
                SmtpReply.of(450, "4.7.1", "Hourly sending limit reached, try again later"),
                Map.of("reason", "messages_per_hour", "limit", Integer.toString(limits.messagesPerHour()))));
    }

    /** The refusal for one recipient past the per-message limit. */
    public static Result.Refused tooManyRecipients(SubmissionLimits limits) {
        return new Result.Refused(Reason.RECIPIENTS_PER_MESSAGE, SmtpReply.TOO_MANY_RECIPIENTS,
                Map.of("reason", "recipients_per_message", "limit", Integer.toString(limits.maxRecipients())));
    }

    /** The refusal for a message past the size limit. */
    public static Result.Refused tooLarge(SubmissionLimits limits) {
        return new Result.Refused(Reason.MESSAGE_SIZE, SmtpReply.MESSAGE_TOO_LARGE,
                Map.of("reason", "message_size", "limit", Long.toString(limits.maxMessageBytes())));
    }

    /** Where a recipient's mail goes: an account here, a remote address, or refused. */
    public sealed interface Destination {
        record Local(Recipient recipient) implements Destination {}

        record Remote(EmailAddress address) implements Destination {}

        record Refused(Result.Refused refusal) implements Destination {}
    }

    /** Resolves one recipient. Lookup failures throw. */
    public Destination recipient(EmailAddress address) {
        return switch (directory.checkRecipient(LOOKUP, address)) {
            case RecipientCheck.Accepted a -> new Destination.Local(a.recipient());
            case RecipientCheck.UnknownAddress u -> new Destination.Refused(new Result.Refused(
                    Reason.RECIPIENT_UNKNOWN, SmtpReply.of(550, "5.1.1", "Recipient address rejected"), Map.of()));
            case RecipientCheck.OverQuota q -> {
                LOG.info("event=submission.rcpt_refused reason=over_quota domain={}", address.domain());
                yield new Destination.Refused(new Result.Refused(Reason.MAILBOX_FULL,
                        SmtpReply.of(452, "4.2.2", "Mailbox full"), Map.of()));
            }
            case RecipientCheck.DomainNotHosted d when intake.acceptsRemote() -> new Destination.Remote(address);
            case RecipientCheck.DomainNotHosted d -> {
                LOG.info("event=submission.remote_recipient_refused domain={}", address.domain());
                yield new Destination.Refused(new Result.Refused(Reason.REMOTE_UNAVAILABLE, SmtpReply.of(550, "5.7.1",
                        "Remote recipients are refused: outbound delivery is not available on this server"),
                        Map.of()));
            }
        };
    }

    /**
     * Every check, in the order SMTP makes them, for a message handed in whole (the API): the
     * envelope sender, the hourly budget, the recipients (count, then each one), the size, then
     * {@link #submit}. Never throws: lookup failures are temporary failures.
     */
    public Result submitWhole(Caller.User user, EmailAddress envelopeFrom, List<EmailAddress> recipients, Spool spool,
            boolean sentCopy) {
        try {
            Optional<Recipient> own = sender(user, envelopeFrom);
            if (own.isEmpty()) {
                SECURITY.warn("event=submission.sender_refused user={} sender={}", user.userId(),
                        Redact.address(envelopeFrom));
                return senderRefused(Optional.of(envelopeFrom));
            }
            SubmissionLimits limits = limits(user);
            if (recipients.isEmpty()) {
                return new Result.Refused(Reason.NO_RECIPIENTS, SmtpReply.of(554, "5.5.1", "No valid recipients"),
                        Map.of());
            }
            if (recipients.size() > limits.maxRecipients()) {
                SECURITY.info("event=submission.limit limit=recipients_per_message user={}", user.userId());
                return tooManyRecipients(limits);
            }
            if (spool.size() > limits.maxMessageBytes()) {
                SECURITY.info("event=submission.limit limit=message_size user={}", user.userId());
                return tooLarge(limits);
            }
            List<Recipient> locals = new ArrayList<>();
            List<EmailAddress> remotes = new ArrayList<>();
            for (EmailAddress address : recipients) {
                switch (recipient(address)) {
                    case Destination.Local l -> locals.add(l.recipient());
                    case Destination.Remote r -> {
                        if (!remotes.contains(r.address())) {
                            remotes.add(r.address());
                        }
                    }
                    case Destination.Refused r -> {
                        return r.refusal();
                    }
                }
            }
            Optional<Result.Refused> hourly = chargeHourly(user, limits);
            if (hourly.isPresent()) {
                SECURITY.warn("event=submission.limit limit=messages_per_hour user={}", user.userId());
                return hourly.get();
            }
            return submit(new Submission(user, own.get(), envelopeFrom, locals, remotes, sentCopy, limits), spool);
        } catch (RuntimeException e) {
            return temporaryFailure("lookup_failed", e);
        }
    }

    /**
     * Checks the header section, fixes and signs the message, and stores every copy: accepted
     * only once everything is durable. Never throws.
     */
    public Result submit(Submission s, Spool spool) {
        try {
            SubmittedHeader header;
            try (InputStream in = spool.open()) {
                header = SubmittedHeader.read(in, MAX_HEADER_BYTES);
            }
            if (header.tooLarge()) {
                return new Result.Refused(Reason.HEADER_SIZE, SmtpReply.of(552, "5.3.4", "Header section too large"),
                        Map.of("reason", "header_size"));
            }
            if (header.malformed()) {
                return new Result.Refused(Reason.MALFORMED, SmtpReply.of(550, "5.6.0",
                        "Malformed header section: every line must be a header field"), Map.of());
            }
            EmailAddress from = null;
            switch (header.authors()) {
                case SubmittedHeader.Authors.Refused r -> {
                    SECURITY.warn("event=submission.from_refused user={}", s.user().userId());
                    return new Result.Refused(Reason.FROM_INVALID, SmtpReply.of(553, "5.7.1", r.reason()),
                            Map.of("reason", "from_header_invalid"));
                }
                case SubmittedHeader.Authors.Claimed c -> {
                    from = c.addresses().get(0);
                    for (EmailAddress author : c.addresses()) {
                        if (directory.ownActiveAddress(s.user(), author).isEmpty()) {
                            SECURITY.warn("event=submission.from_refused user={} from={}", s.user().userId(),
                                    Redact.address(author));
                            return new Result.Refused(Reason.FROM_NOT_OWNED,
                                    SmtpReply.of(553, "5.7.1", "From: address is not an active address of yours"),
                                    Map.of("reason", "from_header_not_owned", "from", Redact.address(author)));
                        }
                    }
                }
            }
            List<String> prepend = finalise(header, from.domain(), spool);
            List<Intake.Copy> copies = new ArrayList<>();
            s.localRecipients().forEach(r -> copies.add(new Intake.Copy(r, SpecialUse.INBOX)));
            if (s.sentCopy()) {
                copies.add(new Intake.Copy(s.senderAccount(), SpecialUse.SENT));
            }
            Optional<Intake.Relay> relay = s.remoteRecipients().isEmpty() ? Optional.empty()
                    : Optional.of(new Intake.Relay(s.senderAccount(), s.envelopeFrom(), s.remoteRecipients()));
            String id = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            List<MessageId> stored = intake.deliver(copies, relay, prepend, SubmissionFixes.dropped(), spool,
                    s.limits().maxMessageBytes() + HEADER_ROOM_BYTES);
            // Intake keeps the copies' order and the Sent copy is the last one asked for.
            Optional<MessageId> sent = s.sentCopy() && !stored.isEmpty()
                    ? Optional.of(stored.get(stored.size() - 1)) : Optional.empty();
            LOG.info("event=submission.accepted user={} id={} recipients={} remote_recipients={} bytes={}",
                    s.user().userId(), id, s.localRecipients().size(), s.remoteRecipients().size(), spool.size());
            return new Result.Accepted(id, sent, !s.remoteRecipients().isEmpty());
        } catch (IOException | RuntimeException e) {
            return temporaryFailure("delivery_failed", e);
        }
    }

    private static Result.TemporaryFailure temporaryFailure(String event, Exception e) {
        String correlation = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("event=submission.{} correlation={} reason={}", event, correlation, e.getClass().getSimpleName(), e);
        return new Result.TemporaryFailure(correlation,
                SmtpReply.of(451, "4.3.0", "Temporary failure, try again later (" + correlation + ")"));
    }

    /**
     * The one place a submitted message is finalised: the header fields to prepend to every copy
     * (local, Sent and the outbound queue's) once the checks have passed: the missing Date/Message-ID and
     * the DKIM signatures of the From: domain over the message as it will be stored. What is sent remotely is
     * exactly the original with these on top and {@link SubmissionFixes#dropped()} removed.
     */
    private List<String> finalise(SubmittedHeader header, DomainName author, Spool spool) throws IOException {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        List<String> fixes = SubmissionFixes.missingFields(header, clock.instant(), hostname, random);
        // Signed as stored: the fixed message, every copy the same bytes (Sent and the queued one included).
        List<String> prepend = new ArrayList<>();
        try (InputStream fixed = Intake.rewritten(spool, fixes, SubmissionFixes.dropped())) {
            prepend.addAll(signing.signatures(author, fixed));
        }
        prepend.addAll(fixes);
        return prepend;
    }
}
