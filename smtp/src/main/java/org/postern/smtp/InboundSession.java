package org.postern.smtp;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLSocket;
import org.postern.access.Caller;
import org.postern.codec.smtp.BdatOutcome;
import org.postern.codec.smtp.BdatReader;
import org.postern.codec.smtp.DataOutcome;
import org.postern.codec.smtp.DataReader;
import org.postern.codec.smtp.EhloResponse;
import org.postern.codec.smtp.ForwardPath;
import org.postern.codec.smtp.LineResult;
import org.postern.codec.smtp.ParseResult;
import org.postern.codec.smtp.ReversePath;
import org.postern.codec.smtp.SmtpCommand;
import org.postern.codec.smtp.SmtpCommandParser;
import org.postern.codec.smtp.SmtpInput;
import org.postern.codec.smtp.SmtpLimits;
import org.postern.codec.smtp.SmtpLineReader;
import org.postern.codec.smtp.SmtpReply;
import org.postern.mail.directory.Recipient;
import org.postern.mail.directory.RecipientCheck;
import org.postern.model.DomainName;
import org.postern.model.EmailAddress;
import org.postern.model.MessageId;
import org.postern.model.Redact;
import org.postern.model.SpecialUse;
import org.postern.mta.checks.SenderVerdict;
import org.postern.mta.intake.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One inbound (MX) SMTP connection, from greeting to QUIT. Straight-line blocking code on its own
 * virtual thread. Replies to pipelined commands are flushed when the client has nothing more
 * buffered (RFC 2920).
 */
final class InboundSession implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(InboundSession.class);
    private static final Logger SECURITY = LoggerFactory.getLogger("postern.security");
    private static final Caller INTAKE = new Caller.System("smtp-inbound");
    private static final int SPOOL_MEMORY_BYTES = 1024 * 1024;
    // Room for the trace and authentication headers that intake prepends.
    private static final long HEADER_ROOM_BYTES = 64 * 1024;
    private static final DateTimeFormatter RFC5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss xx", Locale.ROOT);

    private static final java.util.regex.Pattern NOT_VISIBLE_ASCII = java.util.regex.Pattern.compile("[^\\x21-\\x7e]");

    private final InboundContext ctx;
    private final ExecutorService lookups;
    private final SmtpLimits limits;
    private final SmtpCommandParser parser;
    private final InetAddress clientAddress;
    private final String client;
    private final Instant deadline;

    private Socket socket;
    private OutputStream out;
    private SmtpInput input;
    private SmtpLineReader lines;
    private boolean tls;
    private String helo;
    private boolean extended;
    private int errors;

    // The mail transaction.
    private ReversePath mailFrom;
    private boolean smtpUtf8;
    private final List<Recipient> recipients = new ArrayList<>();
    private final Set<DomainName> recipientDomains = new LinkedHashSet<>();
    private boolean postmasterCounted;
    private Spool chunks;
    private BdatReader bdat;

    InboundSession(Socket socket, InboundContext ctx, ExecutorService lookups) {
        this.socket = socket;
        this.ctx = ctx;
        this.lookups = lookups;
        SmtpSettings s = ctx.settings();
        this.limits = SmtpLimits.defaults().withMaxCommandLineBytes(s.maxLineBytes())
                .withMaxMessageBytes(ctx.maxMessageBytes()).withMaxRecipients(s.maxRecipients())
                .withMaxProtocolErrors(s.maxErrors()).withMaxUnknownCommands(s.maxErrors());
        this.parser = new SmtpCommandParser(limits);
        this.clientAddress = socket.getInetAddress();
        this.client = clientAddress.getHostAddress();
        this.deadline = ctx.clock().instant().plus(s.maxSessionTime());
    }

    @Override
    public void run() {
        try {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, ctx.settings().idleTimeout().toMillis()));
            attach(socket);
            reply(SmtpReply.greeting(ctx.hostname()));
            while (serveOne()) {
                // next command
            }
        } catch (SocketTimeoutException e) {
            quietly(() -> reply(SmtpReply.TIMEOUT));
            LOG.info("event=smtp.timeout client={}", client);
        } catch (IOException | IllegalStateException e) {
            LOG.debug("event=smtp.connection_lost client={} reason={}", client, e.getClass().getSimpleName());
        } finally {
            discardTransaction();
            quietly(() -> out.flush()); // the last reply (421, 554...) must reach the client
            quietly(() -> socket.close());
        }
    }

    private void attach(Socket s) throws IOException {
        out = new BufferedOutputStream(s.getOutputStream(), 8192);
        input = new SmtpInput(s.getInputStream(), limits);
        lines = new SmtpLineReader(input, limits);
    }

    /** Reads and answers one command. @return false when the connection is to be closed */
    private boolean serveOne() throws IOException {
        if (!input.hasBufferedInput()) {
            out.flush();
        }
        if (ctx.clock().instant().isAfter(deadline)) {
            reply(SmtpReply.of(421, "4.4.2", "Session too long, closing connection"));
            SECURITY.info("event=smtp.limit limit=session_time client={}", client);
            return false;
        }
        LineResult line = lines.readLine();
        return switch (line) {
            case LineResult.Line l -> dispatch(parser.parse(l));
            case LineResult.TooLong t -> error(t.reply());
            case LineResult.BareLineFeed b -> error(b.reply());
            case LineResult.EndOfStream e -> false;
            case LineResult.DiscardLimitExceeded d -> {
                reply(d.reply());
                yield false;
            }
        };
    }

    private boolean dispatch(ParseResult parsed) throws IOException {
        return switch (parsed) {
            case ParseResult.Rejected r when r.closeConnection() -> {
                reply(r.reply());
                yield false;
            }
            case ParseResult.Rejected r -> error(r.reply());
            case ParseResult.Parsed p -> handle(p.command());
        };
    }

    private boolean handle(SmtpCommand command) throws IOException {
        return switch (command) {
            case SmtpCommand.Ehlo e -> greet(e.domainOrLiteral(), true);
            case SmtpCommand.Helo h -> greet(h.domainOrLiteral(), false);
            case SmtpCommand.StartTls s -> startTls();
            case SmtpCommand.MailFrom m -> mail(m);
            case SmtpCommand.RcptTo r -> rcpt(r);
            case SmtpCommand.Data d -> data();
            case SmtpCommand.Bdat b -> bdat(b);
            case SmtpCommand.Rset r -> {
                discardTransaction();
                reply(SmtpReply.OK);
                yield true;
            }
            case SmtpCommand.Noop n -> ok();
            case SmtpCommand.Quit q -> {
                reply(SmtpReply.CLOSING);
                out.flush();
                yield false;
            }
            case SmtpCommand.Help h -> {
                reply(SmtpReply.HELP);
                yield true;
            }
            // No address disclosure: VRFY gets the RFC's non-committal 252, EXPN nothing.
            case SmtpCommand.Vrfy v -> {
                reply(SmtpReply.CANNOT_VRFY);
                yield true;
            }
            case SmtpCommand.Expn e -> error(SmtpReply.COMMAND_NOT_IMPLEMENTED);
            case SmtpCommand.Auth a -> error(SmtpReply.of(503, "5.5.1", "Authentication is not offered on this port"));
        };
    }

    private boolean ok() throws IOException {
        reply(SmtpReply.OK);
        return true;
    }

    private boolean greet(String name, boolean ehlo) throws IOException {
        discardTransaction();
        helo = name;
        extended = ehlo;
        if (!ehlo) {
            reply(SmtpReply.of(250, null, ctx.hostname()));
            return true;
        }
        EhloResponse.Builder b = EhloResponse.builder(ctx.hostname()).pipelining().size(ctx.maxMessageBytes())
                .eightBitMime().enhancedStatusCodes().smtpUtf8().chunking();
        if (ctx.tls().isPresent() && !tls) {
            b.startTls();
        }
        reply(b.build());
        return true;
    }

    private boolean startTls() throws IOException {
        if (tls) {
            return error(SmtpReply.of(503, "5.5.1", "TLS already active"));
        }
        if (ctx.tls().isEmpty()) {
            return error(SmtpReply.of(454, "4.7.0", "TLS not available"));
        }
        // Anything the client sent behind STARTTLS was sent in the clear: never read it as
        // commands (CVE-2011-0411 and its kin).
        int injected = input.retire();
        if (injected > 0) {
            SECURITY.warn("event=smtp.starttls_injection client={} bytes={}", client, injected);
        }
        reply(SmtpReply.READY_TO_START_TLS);
        out.flush();
        SSLSocket ssl = ctx.tls().get().accept(socket, client);
        socket = ssl;
        tls = true;
        // RFC 3207: forget everything learnt before TLS, the client must EHLO again.
        helo = null;
        discardTransaction();
        attach(ssl);
        return true;
    }

    private boolean mail(SmtpCommand.MailFrom m) throws IOException {
        if (helo == null) {
            return error(SmtpReply.of(503, "5.5.1", "Send EHLO or HELO first"));
        }
        if (mailFrom != null) {
            return error(SmtpReply.of(503, "5.5.1", "Nested MAIL command"));
        }
        if (m.size().isPresent() && m.size().getAsLong() > ctx.maxMessageBytes()) {
            reply(SmtpReply.MESSAGE_TOO_LARGE);
            return true;
        }
        if (!ctx.messagesPerIp().tryAcquire(client)) {
            SECURITY.warn("event=smtp.limit limit=messages_per_ip client={}", client);
            reply(SmtpReply.of(450, "4.7.1", "Too many messages from your address, try again later"));
            return true;
        }
        mailFrom = m.path();
        smtpUtf8 = m.smtpUtf8();
        reply(SmtpReply.SENDER_OK);
        return true;
    }

    private boolean rcpt(SmtpCommand.RcptTo r) throws IOException {
        if (mailFrom == null) {
            return error(SmtpReply.of(503, "5.5.1", "Need MAIL before RCPT"));
        }
        if (recipients.size() >= ctx.settings().maxRecipients()) {
            SECURITY.info("event=smtp.limit limit=recipients_per_message client={}", client);
            reply(SmtpReply.TOO_MANY_RECIPIENTS);
            return true;
        }
        Optional<EmailAddress> address = switch (r.path()) {
            case ForwardPath.Recipient rc -> rc.mailbox().emailAddress();
            // The bare <Postmaster> (RFC 5321 §4.1.1.3) is this server's postmaster: asked below.
            case ForwardPath.Postmaster p -> Optional.empty();
        };
        boolean barePostmaster = r.path() instanceof ForwardPath.Postmaster;
        if (r.path() instanceof ForwardPath.Recipient rc && rc.mailbox().utf8() && !smtpUtf8) {
            reply(SmtpReply.NON_ASCII_ADDRESS_NEEDS_SMTPUTF8);
            return true;
        }
        if (address.isEmpty() && !barePostmaster) {
            reply(SmtpReply.of(550, "5.1.1", "Recipient address rejected"));
            return true;
        }
        // Postmaster mail is refused for no policy reason (RFC 5321 §4.5.1), but our own limits hold.
        String shown = barePostmaster ? "<Postmaster>" : Redact.address(address.get());
        if (!ctx.recipientsPerIp().tryAcquire(client)) {
            SECURITY.warn("event=smtp.limit limit=recipients_per_ip client={}", client);
            reply(SmtpReply.of(450, "4.7.1", "Too many recipients from your address, try again later"));
            return true;
        }
        RecipientCheck check;
        try {
            Future<RecipientCheck> lookup = lookups.submit(() -> barePostmaster
                    ? ctx.directory().checkPostmaster(INTAKE)
                    : ctx.directory().checkRecipient(INTAKE, address.get()));
            try {
                check = lookup.get(ctx.settings().recipientCheckTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                lookup.cancel(true);
            }
        } catch (TimeoutException | ExecutionException e) {
            // Fail closed: a recipient we cannot check is never accepted.
            LOG.warn("event=smtp.rcpt_check_failed client={} rcpt={} reason={}", client, shown,
                    e instanceof TimeoutException ? "timeout" : e.getCause().getClass().getSimpleName());
            reply(SmtpReply.of(451, "4.3.0", "Temporary failure checking the recipient, try again later"));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        switch (check) {
            case RecipientCheck.Accepted a -> {
                // The bare <Postmaster> names no domain: it counts against the server's own name.
                Optional<DomainName> domain = address.map(EmailAddress::domain);
                String rateKey = domain.map(DomainName::ascii).orElse(ctx.hostname());
                boolean counted = domain.isPresent() ? recipientDomains.contains(domain.get()) : postmasterCounted;
                if (!counted && !ctx.messagesPerDomain().tryAcquire(rateKey)) {
                    SECURITY.warn("event=smtp.limit limit=messages_per_domain domain={} client={}", rateKey, client);
                    reply(SmtpReply.of(450, "4.7.1", "Too much mail for this domain right now, try again later"));
                    return true;
                }
                domain.ifPresent(recipientDomains::add);
                postmasterCounted |= domain.isEmpty();
                recipients.add(a.recipient());
                reply(SmtpReply.RECIPIENT_OK);
            }
            case RecipientCheck.OverQuota q -> {
                // Temporary, as the big MTAs answer: the owner may make room before the sender gives up.
                LOG.info("event=smtp.rcpt_refused reason=over_quota client={} rcpt={}", client, shown);
                reply(SmtpReply.of(452, "4.2.2", "Mailbox full"));
            }
            case RecipientCheck.UnknownAddress u -> {
                LOG.info("event=smtp.rcpt_refused reason=unknown client={} rcpt={}", client, shown);
                reply(SmtpReply.of(550, "5.1.1", "Recipient address rejected"));
            }
            case RecipientCheck.DomainNotHosted n -> {
                SECURITY.info("event=smtp.relay_denied client={} rcpt={}", client, shown);
                reply(SmtpReply.of(554, "5.7.1", "Relay access denied"));
            }
        }
        return true;
    }

    private boolean data() throws IOException {
        if (mailFrom == null) {
            return error(SmtpReply.of(503, "5.5.1", "Need MAIL before DATA"));
        }
        if (recipients.isEmpty()) {
            return error(SmtpReply.of(554, "5.5.1", "No valid recipients"));
        }
        if (chunks != null) {
            return error(SmtpReply.of(503, "5.5.1", "DATA cannot follow BDAT"));
        }
        if (input.hasBufferedInput()) {
            // The client sent message data before our 354: those bytes are content, and must
            // never be read as commands (RFC 2920 makes DATA the end of a pipelined group).
            SECURITY.warn("event=smtp.improper_pipelining client={}", client);
            reply(SmtpReply.PIPELINING_NOT_ALLOWED);
            return false;
        }
        reply(SmtpReply.START_MAIL_INPUT);
        out.flush();
        try (Spool spool = new Spool(ctx.spoolDir(), SPOOL_MEMORY_BYTES)) {
            DataOutcome outcome;
            try (OutputStream sink = spool.output()) {
                outcome = new DataReader(input, limits).read(sink);
            }
            return switch (outcome) {
                case DataOutcome.Accepted a -> {
                    reply(deliver(spool));
                    yield true;
                }
                case DataOutcome.TooLarge t -> {
                    SECURITY.info("event=smtp.limit limit=message_size client={}", client);
                    reply(t.reply());
                    discardTransaction();
                    yield true;
                }
                case DataOutcome.BareLineEnding b -> {
                    SECURITY.warn("event=smtp.bare_line_ending client={} offset={}", client, b.firstOffset());
                    reply(b.reply());
                    discardTransaction();
                    yield true;
                }
                case DataOutcome.EndOfStream e -> false;
                case DataOutcome.DiscardLimitExceeded d -> {
                    reply(d.reply());
                    yield false;
                }
            };
        }
    }

    private boolean bdat(SmtpCommand.Bdat command) throws IOException {
        if (mailFrom == null || recipients.isEmpty()) {
            // The chunk is on the wire whatever we answer: read it away to stay in step.
            new BdatReader(input, limits).read(command.chunkBytes(), command.last(), OutputStream.nullOutputStream());
            return error(SmtpReply.of(503, "5.5.1", mailFrom == null ? "Need MAIL before BDAT" : "No valid recipients"));
        }
        if (chunks == null) {
            chunks = new Spool(ctx.spoolDir(), SPOOL_MEMORY_BYTES);
            bdat = new BdatReader(input, limits);
        }
        BdatOutcome outcome;
        try (OutputStream sink = new NonClosing(chunks.output())) {
            outcome = bdat.read(command.chunkBytes(), command.last(), sink);
        }
        switch (outcome) {
            case BdatOutcome.Accepted a when !a.last() -> reply(SmtpReply.of(250, "2.0.0", a.chunkBytes() + " octets received"));
            case BdatOutcome.Accepted a when a.bareLineEnding() -> {
                SECURITY.warn("event=smtp.bare_line_ending client={} via=bdat", client);
                reply(SmtpReply.BARE_LINE_ENDING_IN_DATA);
                discardTransaction();
            }
            case BdatOutcome.Accepted a -> {
                try (Spool spool = chunks) {
                    spool.output().close();
                    chunks = null;
                    reply(deliver(spool));
                }
            }
            case BdatOutcome.TooLarge t -> {
                SECURITY.info("event=smtp.limit limit=message_size client={}", client);
                reply(t.reply());
                discardTransaction();
            }
            case BdatOutcome.EndOfStream e -> {
                return false;
            }
            case BdatOutcome.DiscardLimitExceeded d -> {
                reply(d.reply());
                return false;
            }
        }
        return true;
    }

    /** Checks the sender, stores the message for every recipient, and gives the reply for the whole transaction. */
    private SmtpReply deliver(Spool spool) {
        try {
            String sender = mailFrom instanceof ReversePath.Sender s ? s.mailbox().toString() : null;
            SenderVerdict verdict = ctx.senderAuthentication().check(clientAddress, helo, sender,
                    List.copyOf(recipientDomains), spool::open);
            if (verdict.action() == SenderVerdict.Action.REJECT || verdict.action() == SenderVerdict.Action.DEFER) {
                LOG.info("event=smtp.refused client={} action={} {}", client, verdict.action(), verdict.logFields());
                return replyFromLine(verdict.smtpReply());
            }
            SpecialUse target = verdict.action() == SenderVerdict.Action.JUNK ? SpecialUse.JUNK : SpecialUse.INBOX;
            String id = java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            List<String> prepend = List.of(
                    "Authentication-Results: " + verdict.authenticationResults() + "\r\n",
                    receivedHeader(id));
            List<MessageId> stored = ctx.intake().deliver(recipients, target, prepend, this::isForgedResults, spool,
                    ctx.maxMessageBytes() + HEADER_ROOM_BYTES);
            LOG.info("event=smtp.accepted client={} id={} recipients={} owners={} bytes={} target={} {}", client, id,
                    recipients.size(), stored.size(), spool.size(), target, verdict.logFields());
            return SmtpReply.of(250, "2.0.0", "OK queued as " + id);
        } catch (RuntimeException e) {
            String correlation = java.util.UUID.randomUUID().toString().substring(0, 8);
            LOG.error("event=smtp.delivery_failed client={} correlation={} reason={}", client, correlation,
                    e.getClass().getSimpleName(), e);
            return SmtpReply.of(451, "4.3.0", "Temporary failure, try again later (" + correlation + ")");
        } finally {
            discardTransaction();
        }
    }

    private boolean isForgedResults(String field) {
        int colon = field.indexOf(':');
        return colon > 0 && field.substring(0, colon).strip().equalsIgnoreCase("Authentication-Results")
                && ctx.senderAuthentication().forgedHeaderFilter().claimsOurs(field.substring(colon + 1));
    }

    private String receivedHeader(String id) {
        String from = helo == null ? "unknown" : NOT_VISIBLE_ASCII.matcher(helo).replaceAll("?");
        if (from.length() > 255) {
            from = from.substring(0, 255);
        }
        String protocol = (extended ? "ESMTP" : "SMTP") + (tls ? "S" : "");
        return "Received: from " + from + " ([" + client + "])\r\n\tby " + ctx.hostname() + " (Postern) with " + protocol
                + " id " + id + ";\r\n\t" + RFC5322_DATE.format(ctx.clock().instant().atZone(ZoneOffset.UTC)) + "\r\n";
    }

    /** The checks give a complete reply line ("550 5.7.1 text"). */
    private static SmtpReply replyFromLine(String line) {
        String[] parts = line.split(" ", 3);
        int code = Integer.parseInt(parts[0]);
        boolean enhanced = parts.length > 1 && parts[1].matches("[245]\\.\\d{1,3}\\.\\d{1,3}");
        String text = enhanced ? (parts.length > 2 ? parts[2] : "") : line.substring(parts[0].length()).strip();
        return SmtpReply.of(code, enhanced ? parts[1] : null, text.isEmpty() ? "Refused" : text);
    }

    private void discardTransaction() {
        mailFrom = null;
        smtpUtf8 = false;
        recipients.clear();
        recipientDomains.clear();
        postmasterCounted = false;
        if (chunks != null) {
            chunks.close();
            chunks = null;
        }
        bdat = null;
    }

    /** Answers a bad command, and closes the connection once the client has made too many. */
    private boolean error(SmtpReply reply) throws IOException {
        errors++;
        if (errors >= ctx.settings().maxErrors()) {
            SECURITY.warn("event=smtp.limit limit=errors client={}", client);
            reply(SmtpReply.TOO_MANY_ERRORS);
            return false;
        }
        reply(reply);
        return true;
    }

    private void reply(SmtpReply reply) throws IOException {
        out.write(reply.encode());
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void quietly(IoAction action) {
        try {
            action.run();
        } catch (IOException | RuntimeException e) {
            // The connection is going away; nothing more to tell the peer.
        }
    }

    /** Lets BDAT chunks be written one after another into one spool. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

}
