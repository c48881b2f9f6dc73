package org.postern.smtp;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.postern.access.Caller;
import org.postern.auth.signin.AuditEvents;
import org.postern.auth.signin.ClientInfo;
import org.postern.auth.signin.ProtocolAuthenticator;
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
import org.postern.model.EmailAddress;
import org.postern.model.Redact;
import org.postern.model.SubmissionLimits;
import org.postern.mta.intake.Spool;
import org.postern.mta.submission.Submitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One submission connection (587 after STARTTLS, or 465), from greeting to QUIT. Before
 * authentication the session can only greet, start TLS and authenticate: AUTH is neither offered
 * nor accepted without TLS, and MAIL is refused without AUTH. Credentials go to the identity
 * authority alone. The envelope sender and the From:/Sender: headers must be active addresses
 * of the signed-in user; every check past the protocol's and the delivery itself belong to the
 * {@link Submitter} the JSON API shares (local copies, the Sent copy and the queue for remote ones in one
 * transaction: 250 only once every copy and the queue entry are durable.
 */
final class SubmissionSession implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SubmissionSession.class);
    private static final Logger SECURITY = LoggerFactory.getLogger("postern.security");
    private static final int SPOOL_MEMORY_BYTES = 1024 * 1024;
    private static final List<String> MECHANISMS = List.of("PLAIN", "LOGIN");

    private final SubmissionContext ctx;
    private final SmtpLimits limits;
    private final SmtpCommandParser parser;
    private final String client;
    private final ClientInfo clientInfo;
    private final Instant deadline;
    private final boolean implicitTls;

    private Socket socket;
    private OutputStream out;
    private SmtpInput input;
    private SmtpLineReader lines;
    private boolean tls;
    private String helo;
    private int errors;
    private Caller.User user;

    // The mail transaction.
    private EmailAddress mailFrom;
    private Recipient senderAccount;
    private boolean smtpUtf8;
    private boolean recipientLimitAudited;
    /** The user's limits, read at MAIL for this transaction (their tenant's, which may change any time). */
    private SubmissionLimits txLimits;
    private final List<Recipient> recipients = new ArrayList<>();
    private final List<EmailAddress> remoteRecipients = new ArrayList<>();

    SubmissionSession(Socket socket, SubmissionContext ctx, boolean implicitTls) {
        this.socket = socket;
        this.ctx = ctx;
        this.implicitTls = implicitTls;
        SmtpSettings s = ctx.smtp();
        this.limits = SmtpLimits.defaults().withMaxCommandLineBytes(s.maxLineBytes())
                .withMaxMessageBytes(ctx.settings().maxMessageBytes())
                .withMaxRecipients(ctx.settings().maxRecipients())
                .withMaxProtocolErrors(s.maxErrors()).withMaxUnknownCommands(s.maxErrors());
        // SIZE= is checked against the user's own limit at MAIL (and audited there), so the parser
        // only bounds it by the largest limit any tenant may have.
        this.parser = new SmtpCommandParser(limits.withMaxMessageBytes(SubmissionLimits.MAX_MESSAGE_BYTES));
        this.client = socket.getInetAddress().getHostAddress();
        this.clientInfo = new ClientInfo(client, "smtp-submission");
        this.deadline = ctx.clock().instant().plus(s.maxSessionTime());
    }

    @Override
    public void run() {
        try {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, ctx.smtp().idleTimeout().toMillis()));
            if (implicitTls) {
                socket = ctx.tls().accept(socket, client);
                tls = true;
            }
            attach(socket);
            reply(SmtpReply.greeting(ctx.hostname()));
            while (serveOne()) {
                // next command
            }
        } catch (SocketTimeoutException e) {
            quietly(() -> reply(SmtpReply.TIMEOUT));
            LOG.info("event=submission.timeout client={}", client);
        } catch (IOException | IllegalStateException e) {
            LOG.debug("event=submission.connection_lost client={} reason={}", client, e.getClass().getSimpleName());
        } finally {
            discardTransaction();
            quietly(() -> {
                if (out != null) {
                    out.flush();
                }
            });
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
            SECURITY.info("event=submission.limit limit=session_time client={}", client);
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
            case SmtpCommand.Auth a -> auth(a);
            case SmtpCommand.MailFrom m -> mail(m);
            case SmtpCommand.RcptTo r -> rcpt(r);
            case SmtpCommand.Data d -> data();
            case SmtpCommand.Bdat b -> {
                // CHUNKING is not offered here; the chunk is on the wire whatever we answer.
                new BdatReader(input, limits).read(b.chunkBytes(), b.last(), OutputStream.nullOutputStream());
                discardTransaction();
                yield error(SmtpReply.of(502, "5.5.1", "CHUNKING is not offered on this port, use DATA"));
            }
            case SmtpCommand.Rset r -> {
                discardTransaction();
                reply(SmtpReply.OK);
                yield true;
            }
            case SmtpCommand.Noop n -> {
                reply(SmtpReply.OK);
                yield true;
            }
            case SmtpCommand.Quit q -> {
                reply(SmtpReply.CLOSING);
                out.flush();
                yield false;
            }
            case SmtpCommand.Help h -> {
                reply(SmtpReply.HELP);
                yield true;
            }
            case SmtpCommand.Vrfy v -> {
                reply(SmtpReply.CANNOT_VRFY);
                yield true;
            }
            case SmtpCommand.Expn e -> error(SmtpReply.COMMAND_NOT_IMPLEMENTED);
        };
    }

    private boolean greet(String name, boolean ehlo) throws IOException {
        discardTransaction();
        helo = name;
        if (!ehlo) {
            reply(SmtpReply.of(250, null, ctx.hostname()));
            return true;
        }
        EhloResponse.Builder b = EhloResponse.builder(ctx.hostname()).pipelining().size(announcedSize())
                .eightBitMime().enhancedStatusCodes().smtpUtf8();
        if (!tls) {
            b.startTls();
        } else if (user == null) {
            b.auth(MECHANISMS);
        }
        reply(b.build());
        return true;
    }

    /** SIZE: the user's own limit once signed in (a client that says EHLO again after AUTH sees it). */
    private long announcedSize() {
        if (user == null) {
            return ctx.settings().maxMessageBytes();
        }
        try {
            return ctx.submitter().limits(user).maxMessageBytes();
        } catch (RuntimeException e) {
            // Only an announcement: MAIL reads the limits again and refuses if that fails too.
            LOG.warn("event=submission.limits_lookup_failed reason={}", e.getClass().getSimpleName());
            return ctx.settings().maxMessageBytes();
        }
    }

    private boolean startTls() throws IOException {
        if (tls) {
            return error(SmtpReply.of(503, "5.5.1", "TLS already active"));
        }
        // Anything the client sent behind STARTTLS was sent in the clear: never read it as commands.
        int injected = input.retire();
        if (injected > 0) {
            SECURITY.warn("event=submission.starttls_injection client={} bytes={}", client, injected);
        }
        reply(SmtpReply.READY_TO_START_TLS);
        out.flush();
        socket = ctx.tls().accept(socket, client);
        tls = true;
        // RFC 3207: forget everything learnt before TLS, the client must EHLO again.
        helo = null;
        discardTransaction();
        attach(socket);
        return true;
    }

    // ---- AUTH -----------------------------------------------------------------------------------

    private boolean auth(SmtpCommand.Auth a) throws IOException {
        if (!tls) {
            SECURITY.info("event=submission.auth_without_tls client={}", client);
            return error(SmtpReply.TLS_REQUIRED);
        }
        if (helo == null) {
            return error(SmtpReply.of(503, "5.5.1", "Send EHLO first"));
        }
        if (user != null) {
            return error(SmtpReply.of(503, "5.5.1", "Already authenticated"));
        }
        if (mailFrom != null) {
            return error(SmtpReply.of(503, "5.5.1", "AUTH not allowed during a mail transaction"));
        }
        Credentials credentials;
        switch (a.mechanism()) {
            case "PLAIN" -> {
                Optional<byte[]> response = a.initialResponse().isPresent()
                        ? decode(a.initialResponse().get()) : challenge("");
                if (response == null) {
                    return true; // answered already
                }
                if (response.isEmpty()) {
                    return error(SmtpReply.BAD_BASE64);
                }
                credentials = plain(response.get());
            }
            case "LOGIN" -> {
                Optional<byte[]> login = a.initialResponse().isPresent()
                        ? decode(a.initialResponse().get()) : challenge("VXNlcm5hbWU6");
                if (login == null) {
                    return true;
                }
                if (login.isEmpty()) {
                    return error(SmtpReply.BAD_BASE64);
                }
                Optional<byte[]> password = challenge("UGFzc3dvcmQ6");
                if (password == null) {
                    return true;
                }
                if (password.isEmpty()) {
                    return error(SmtpReply.BAD_BASE64);
                }
                credentials = credentials(new String(login.get(), StandardCharsets.UTF_8), password.get(), 0,
                        password.get().length);
            }
            default -> {
                return error(SmtpReply.AUTH_MECHANISM_UNSUPPORTED);
            }
        }
        if (credentials == null) {
            return error(SmtpReply.AUTH_FAILED);
        }
        Optional<Caller.User> signedIn = ctx.authenticator().authenticate(ProtocolAuthenticator.Protocol.SMTP,
                credentials.login(), credentials.secret(), clientInfo);
        if (signedIn.isEmpty()) {
            return error(SmtpReply.AUTH_FAILED);
        }
        user = signedIn.get();
        LOG.info("event=submission.authenticated client={} user={}", client, user.userId());
        reply(SmtpReply.AUTH_SUCCEEDED);
        return true;
    }

    private record Credentials(String login, char[] secret) {}

    /**
     * Sends a 334 challenge and reads the client's line. @return the decoded bytes, empty for bad
     * Base64, or null when the exchange ended (cancelled, or the connection is going) and was answered
     */
    private Optional<byte[]> challenge(String base64) throws IOException {
        reply(SmtpReply.authChallenge(base64));
        out.flush();
        LineResult line = lines.readLine();
        switch (line) {
            case LineResult.Line l -> {
                String text = new String(l.bytes(), StandardCharsets.US_ASCII).strip();
                Arrays.fill(l.bytes(), (byte) 0);
                if (text.equals("*")) {
                    reply(SmtpReply.AUTH_CANCELLED);
                    return null;
                }
                return decode(text);
            }
            case LineResult.EndOfStream e -> throw new java.io.EOFException();
            case LineResult.DiscardLimitExceeded d -> {
                reply(d.reply());
                throw new java.io.EOFException();
            }
            default -> {
                // Too long or a bare LF: the exchange is over, and it counts as a bad command.
                if (!error(SmtpReply.ARGUMENT_SYNTAX)) {
                    throw new java.io.EOFException();
                }
                return null;
            }
        }
    }

    private static Optional<byte[]> decode(String base64) {
        if (base64.equals("=")) {
            return Optional.of(new byte[0]);
        }
        try {
            return Optional.of(Base64.getDecoder().decode(base64));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** RFC 4616: [authzid] NUL authcid NUL passwd; an authzid other than the authcid is refused. */
    private static Credentials plain(byte[] message) {
        int first = indexOf(message, 0);
        int second = first < 0 ? -1 : indexOf(message, first + 1);
        if (first < 0 || second < 0 || indexOf(message, second + 1) >= 0) {
            Arrays.fill(message, (byte) 0);
            return null;
        }
        String authzid = new String(message, 0, first, StandardCharsets.UTF_8);
        String authcid = new String(message, first + 1, second - first - 1, StandardCharsets.UTF_8);
        if (!authzid.isEmpty() && !authzid.equals(authcid)) {
            Arrays.fill(message, (byte) 0);
            return null;
        }
        return credentials(authcid, message, second + 1, message.length - second - 1);
    }

    private static Credentials credentials(String login, byte[] bytes, int offset, int length) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, offset, length));
            char[] secret = new char[chars.remaining()];
            chars.get(secret);
            Arrays.fill(chars.array(), '\0');
            if (login.isEmpty() || secret.length == 0) {
                return null;
            }
            return new Credentials(login, secret);
        } catch (CharacterCodingException e) {
            return null;
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    // ---- the mail transaction -------------------------------------------------------------------

    private boolean mail(SmtpCommand.MailFrom m) throws IOException {
        if (user == null) {
            SECURITY.info("event=submission.mail_without_auth client={}", client);
            return error(tls ? SmtpReply.AUTH_REQUIRED : SmtpReply.TLS_REQUIRED);
        }
        if (helo == null) {
            return error(SmtpReply.of(503, "5.5.1", "Send EHLO or HELO first"));
        }
        if (mailFrom != null) {
            return error(SmtpReply.of(503, "5.5.1", "Nested MAIL command"));
        }
        SubmissionLimits userLimits;
        try {
            userLimits = ctx.submitter().limits(user);
        } catch (RuntimeException e) {
            return unavailable(e);
        }
        if (m.size().isPresent() && m.size().getAsLong() > userLimits.maxMessageBytes()) {
            SECURITY.info("event=submission.limit limit=message_size client={} user={}", client, user.userId());
            return refused(Submitter.tooLarge(userLimits));
        }
        Optional<EmailAddress> sender = m.path() instanceof ReversePath.Sender s ? s.mailbox().emailAddress()
                : Optional.empty();
        Optional<Recipient> own;
        try {
            own = sender.flatMap(a -> ctx.submitter().sender(user, a));
        } catch (RuntimeException e) {
            return unavailable(e);
        }
        if (own.isEmpty()) {
            SECURITY.warn("event=submission.sender_refused client={} user={} sender={}", client, user.userId(),
                    sender.map(Redact::address).orElse("<>"));
            return refused(Submitter.senderRefused(sender));
        }
        Optional<Submitter.Result.Refused> hourly = ctx.submitter().chargeHourly(user, userLimits);
        if (hourly.isPresent()) {
            SECURITY.warn("event=submission.limit limit=messages_per_hour client={} user={}", client, user.userId());
            return refused(hourly.get());
        }
        mailFrom = sender.get();
        senderAccount = own.get();
        txLimits = userLimits;
        smtpUtf8 = m.smtpUtf8();
        reply(SmtpReply.SENDER_OK);
        return true;
    }

    /** Audits (when the refusal says so) and answers a refusal; the session goes on. */
    private boolean refused(Submitter.Result.Refused r) throws IOException {
        if (!r.audit().isEmpty()) {
            audit("refused", r.audit());
        }
        reply(r.reply());
        return true;
    }

    private boolean rcpt(SmtpCommand.RcptTo r) throws IOException {
        if (mailFrom == null) {
            return error(SmtpReply.of(503, "5.5.1", "Need MAIL before RCPT"));
        }
        if (recipients.size() + remoteRecipients.size() >= txLimits.maxRecipients()) {
            if (!recipientLimitAudited) {
                recipientLimitAudited = true;
                SECURITY.info("event=submission.limit limit=recipients_per_message client={} user={}", client,
                        user.userId());
                audit("refused", Submitter.tooManyRecipients(txLimits).audit());
            }
            reply(SmtpReply.TOO_MANY_RECIPIENTS);
            return true;
        }
        if (r.path() instanceof ForwardPath.Recipient rc && rc.mailbox().utf8() && !smtpUtf8) {
            reply(SmtpReply.NON_ASCII_ADDRESS_NEEDS_SMTPUTF8);
            return true;
        }
        Optional<EmailAddress> address = switch (r.path()) {
            case ForwardPath.Recipient rc -> rc.mailbox().emailAddress();
            case ForwardPath.Postmaster p -> Optional.empty();
        };
        if (address.isEmpty()) {
            reply(SmtpReply.of(550, "5.1.1", "Recipient address rejected"));
            return true;
        }
        Submitter.Destination destination;
        try {
            destination = ctx.submitter().recipient(address.get());
        } catch (RuntimeException e) {
            return unavailable(e);
        }
        switch (destination) {
            case Submitter.Destination.Local l -> {
                recipients.add(l.recipient());
                reply(SmtpReply.RECIPIENT_OK);
            }
            case Submitter.Destination.Remote rm -> {
                if (!remoteRecipients.contains(rm.address())) {
                    remoteRecipients.add(rm.address());
                }
                reply(SmtpReply.RECIPIENT_OK);
            }
            case Submitter.Destination.Refused f -> refused(f.refusal());
        }
        return true;
    }

    private boolean data() throws IOException {
        if (mailFrom == null) {
            return error(SmtpReply.of(503, "5.5.1", "Need MAIL before DATA"));
        }
        if (recipients.isEmpty() && remoteRecipients.isEmpty()) {
            return error(SmtpReply.of(554, "5.5.1", "No valid recipients"));
        }
        if (input.hasBufferedInput()) {
            SECURITY.warn("event=submission.improper_pipelining client={}", client);
            reply(SmtpReply.PIPELINING_NOT_ALLOWED);
            return false;
        }
        reply(SmtpReply.START_MAIL_INPUT);
        out.flush();
        try (Spool spool = new Spool(ctx.spoolDir(), SPOOL_MEMORY_BYTES)) {
            DataOutcome outcome;
            try (OutputStream sink = spool.output()) {
                outcome = new DataReader(input, limits.withMaxMessageBytes(txLimits.maxMessageBytes())).read(sink);
            }
            return switch (outcome) {
                case DataOutcome.Accepted a -> {
                    reply(deliver(spool));
                    yield true;
                }
                case DataOutcome.TooLarge t -> {
                    SECURITY.info("event=submission.limit limit=message_size client={} user={}", client, user.userId());
                    audit("refused", Submitter.tooLarge(txLimits).audit());
                    reply(t.reply());
                    discardTransaction();
                    yield true;
                }
                case DataOutcome.BareLineEnding b -> {
                    SECURITY.warn("event=submission.bare_line_ending client={} offset={}", client, b.firstOffset());
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

    /** Hands the message to the submission service, and gives the reply for the transaction. */
    private SmtpReply deliver(Spool spool) {
        try {
            Submitter.Result result = ctx.submitter().submit(new Submitter.Submission(user, senderAccount, mailFrom,
                    recipients, remoteRecipients, ctx.settings().sentCopy(), txLimits), spool);
            return switch (result) {
                case Submitter.Result.Accepted a -> {
                    LOG.info("event=submission.accepted client={} user={} id={}", client, user.userId(), a.id());
                    yield SmtpReply.of(250, "2.0.0", "OK queued as " + a.id());
                }
                case Submitter.Result.Refused r -> {
                    if (!r.audit().isEmpty()) {
                        audit("refused", r.audit());
                    }
                    yield r.reply();
                }
                case Submitter.Result.TemporaryFailure t -> t.reply();
            };
        } finally {
            discardTransaction();
        }
    }

    private boolean unavailable(RuntimeException e) throws IOException {
        String correlation = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("event=submission.lookup_failed client={} correlation={} reason={}", client, correlation,
                e.getClass().getSimpleName(), e);
        reply(SmtpReply.of(451, "4.3.0", "Temporary failure, try again later (" + correlation + ")"));
        return true;
    }

    /** A refusal or limit, in the user's own audit log. Never fails the session. */
    private void audit(String outcome, Map<String, String> details) {
        try {
            ctx.audit().record(AuditEvents.about(user.tenantId(), user.userId(), AuditEvents.actor(user.userId()),
                    "smtp.submission", outcome, clientInfo, details));
        } catch (RuntimeException e) {
            LOG.warn("event=submission.audit_failed reason={}", e.getClass().getSimpleName());
        }
    }

    private void discardTransaction() {
        mailFrom = null;
        senderAccount = null;
        txLimits = null;
        smtpUtf8 = false;
        recipientLimitAudited = false;
        recipients.clear();
        remoteRecipients.clear();
    }

    /** Answers a bad command, and closes the connection once the client has made too many. */
    private boolean error(SmtpReply reply) throws IOException {
        errors++;
        if (errors >= ctx.smtp().maxErrors()) {
            SECURITY.warn("event=submission.limit limit=errors client={}", client);
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
}
