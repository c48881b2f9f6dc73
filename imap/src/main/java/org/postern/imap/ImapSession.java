package org.postern.imap;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSocket;
import org.postern.access.Caller;
import org.postern.auth.signin.ClientInfo;
import org.postern.codec.imap.FetchAttribute;
import org.postern.codec.imap.IdleEnd;
import org.postern.codec.imap.ImapCommand;
import org.postern.codec.imap.ImapCommandReader;
import org.postern.codec.imap.ImapInput;
import org.postern.codec.imap.ImapLimits;
import org.postern.codec.imap.ImapResponse;
import org.postern.codec.imap.ImapResponseWriter;
import org.postern.codec.imap.ImapValue;
import org.postern.codec.imap.ListPattern;
import org.postern.codec.imap.MailboxName;
import org.postern.codec.imap.NumberRanges;
import org.postern.codec.imap.ReadResult;
import org.postern.codec.imap.ResponseCode;
import org.postern.codec.imap.SaslResponse;
import org.postern.codec.imap.SearchKey;
import org.postern.codec.imap.SequenceSet;
import org.postern.codec.imap.StatusItem;
import org.postern.mail.mailbox.MailboxState;
import org.postern.mail.mailbox.Mailboxes;
import org.postern.mail.mailbox.MessageState;
import org.postern.mail.mailbox.Snapshot;
import org.postern.model.AccessDeniedException;
import org.postern.model.ConflictException;
import org.postern.model.InvalidInputException;
import org.postern.model.NotFoundException;
import org.postern.model.SpecialUse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IMAP connection: reads commands through the codec's bounded reader and answers them.
 * Before authentication the session holds only the authenticator and the pre-authentication
 * limits, and every command but CAPABILITY, NOOP, LOGOUT, STARTTLS, ID, LOGIN and AUTHENTICATE
 * is refused; after it, the signed-in {@link Caller.User} is the only key to mail, and
 * {@link Mailboxes} turns it into a scope for every call.
 */
final class ImapSession {
    private static final Logger LOG = LoggerFactory.getLogger(ImapSession.class);
    private static final Logger SECURITY = LoggerFactory.getLogger("postern.security");
    private static final List<String> SYSTEM_FLAGS = List.of("\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft");
    private static final long IDLE_POLL_MILLIS = 250;

    private final ImapContext ctx;
    private final String client;
    private final boolean loopback;
    private Socket socket;
    private boolean tls;
    private ImapInput input;
    private ImapCommandReader reader;
    private ImapResponseWriter writer;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Instant connectedAt;
    private final CommandPacer pacer;

    private Caller.User user;
    private String clientName = "imap";
    private SelectedMailbox selected;
    private int badCommands;
    private boolean condstore;
    private boolean qresync;
    // ENABLE IMAP4rev2 (RFC 9051 §6.3.1): no \Recent, SEARCH answered by ESEARCH, UTF-8 mailbox names.
    private boolean rev2;

    // APPEND staging for the command being read (all or nothing).
    private final List<MessageState> staged = new ArrayList<>();
    private long appendRoom;
    private MailboxState appendTarget;
    private ImapResponse.Tagged appendFailure;

    ImapSession(Socket socket, ImapContext ctx, boolean implicitTls) {
        this.socket = socket;
        this.ctx = ctx;
        this.client = socket.getInetAddress().getHostAddress();
        this.loopback = socket.getInetAddress().isLoopbackAddress();
        this.tls = implicitTls;
        this.connectedAt = ctx.clock().instant();
        this.pacer = new CommandPacer(ctx.settings().commandsPerSecond(), ctx.settings().commandBurst(), System.nanoTime());
    }

    void run() {
        try (Socket s = socket) {
            socket.setSoTimeout(millis(ctx.settings().preAuthTimeout().toMillis()));
            if (tls) {
                socket = ctx.tls().orElseThrow().accept(socket, client);
            }
            attach(socket);
            send(ImapResponse.untagged(ImapResponse.Status.OK, ResponseCode.capability(capabilities()),
                    "Postern IMAP ready"));
            flush();
            loop();
        } catch (SocketTimeoutException e) {
            byeQuietly("Autologout; idle for too long");
            LOG.info("event=imap.timeout client={} authenticated={}", client, user != null);
        } catch (IOException | IllegalStateException e) {
            LOG.debug("event=imap.connection_lost client={} reason={}", client, e.getClass().getSimpleName());
        } finally {
            dropStaged();
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private void attach(Socket s) throws IOException {
        ImapLimits limits = user == null ? ImapLimits.preAuthentication() : ctx.settings().limits();
        input = new ImapInput(s.getInputStream(), limits);
        reader = new ImapCommandReader(input, limits);
        OutputStream out = new ReleasingOutputStream(s.getOutputStream(), 16 << 10);
        writer = new ImapResponseWriter(out);
    }

    private void loop() throws IOException {
        while (true) {
            if (user == null && ctx.clock().instant().isAfter(connectedAt.plus(ctx.settings().preAuthTimeout()))) {
                bye("Autologout; log in sooner");
                return;
            }
            ReadResult result = reader.next();
            if (result instanceof ReadResult.Command || result instanceof ReadResult.Rejected) {
                pace();
            }
            boolean goOn = switch (result) {
                case ReadResult.Command c -> command(c.command());
                case ReadResult.Rejected r -> rejected(r);
                case ReadResult.LiteralAnnounced a -> literal(a);
                case ReadResult.AppendData d -> appendData(d);
                case ReadResult.EndOfStream e -> false;
            };
            flush();
            if (!goOn) {
                return;
            }
        }
    }

    /** Holds a command back while the session is over its commands-per-second bound. */
    private void pace() throws IOException {
        long wait = pacer.take(System.nanoTime());
        if (wait > 0) {
            flush();
            try {
                Thread.sleep(java.time.Duration.ofNanos(wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while pacing");
            }
        }
    }

    // ------------------------------------------------------------------ framing

    private void send(ImapResponse r) throws IOException {
        writeLock.lock();
        try {
            writer.write(r);
        } finally {
            writeLock.unlock();
        }
    }

    private void flush() throws IOException {
        writeLock.lock();
        try {
            writer.flush();
        } finally {
            writeLock.unlock();
        }
    }

    private void bye(String text) throws IOException {
        send(ImapResponse.bye(text));
        flush();
    }

    private void byeQuietly(String text) {
        try {
            bye(text);
        } catch (IOException | RuntimeException e) {
            // the peer is gone
        }
    }

    private static int millis(long ms) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, ms));
    }

    /** Counts a refused command; false when the connection must close. */
    private boolean bad() throws IOException {
        badCommands++;
        if (badCommands >= ctx.settings().maxBadCommands()) {
            SECURITY.warn("event=imap.too_many_errors client={}", client);
            bye("Too many invalid commands");
            return false;
        }
        return true;
    }

    private boolean badCommand(String tag, String text) throws IOException {
        send(ImapResponse.bad(tag, text));
        return bad();
    }

    private boolean rejected(ReadResult.Rejected r) throws IOException {
        send(r.response());
        if (r.tag().isPresent()) {
            dropStaged();
        }
        if (r.closeConnection()) {
            bye("Closing connection");
            return false;
        }
        return bad();
    }

    // ------------------------------------------------------------------ capabilities

    private boolean loginAllowed() {
        return tls || (ctx.settings().unsafePlaintextLoginOnLoopback() && loopback);
    }

    private List<String> capabilities() {
        // Both revisions: a client speaks IMAP4rev1 until it sends ENABLE IMAP4rev2 (RFC 9051 §6.3.1).
        List<String> caps = new ArrayList<>(List.of("IMAP4rev1", "IMAP4rev2"));
        if (user == null) {
            caps.add("LITERAL-");
            if (!tls && ctx.tls().isPresent()) {
                caps.add("STARTTLS");
            }
            if (loginAllowed()) {
                caps.addAll(List.of("AUTH=PLAIN", "SASL-IR"));
            } else {
                caps.add("LOGINDISABLED");
            }
            caps.addAll(List.of("ID", "ENABLE", "IDLE"));
            return caps;
        }
        caps.addAll(List.of("LITERAL+", "SASL-IR", "ID", "ENABLE", "IDLE", "NAMESPACE", "UIDPLUS", "MOVE", "UNSELECT",
                "CHILDREN", "SPECIAL-USE", "CONDSTORE", "QRESYNC", "ESEARCH", "SORT", "ESORT",
                "LIST-EXTENDED", "LIST-STATUS", "QUOTA", "QUOTA=RES-STORAGE", "BINARY", "SEARCHRES", "STATUS=SIZE",
                "APPENDLIMIT=" + ctx.settings().limits().maxAppendBytes()));
        return caps;
    }

    // ------------------------------------------------------------------ dispatch

    private boolean command(ImapCommand command) throws IOException {
        String tag = command.tag();
        try {
            if (user == null) {
                return preAuth(command);
            }
            return switch (command) {
                case ImapCommand.Capability c -> capability(c);
                case ImapCommand.Noop n -> {
                    updates(true);
                    send(ImapResponse.ok(tag, "NOOP completed"));
                    yield true;
                }
                case ImapCommand.Check c -> {
                    updates(true);
                    send(ImapResponse.ok(tag, "CHECK completed"));
                    yield true;
                }
                case ImapCommand.Logout l -> logout(l);
                case ImapCommand.Id i -> id(i);
                case ImapCommand.StartTls s -> badCommand(tag, "Already authenticated");
                case ImapCommand.Login l -> badCommand(tag, "Already authenticated");
                case ImapCommand.Authenticate a -> badCommand(tag, "Already authenticated");
                case ImapCommand.Enable e -> enable(e);
                case ImapCommand.Namespace n -> {
                    send(ImapResponse.namespace(Map.of("", Mailboxes.DELIMITER), Map.of(), Map.of()));
                    send(ImapResponse.ok(tag, "NAMESPACE completed"));
                    yield true;
                }
                case ImapCommand.ListMailboxes l -> list(l);
                case ImapCommand.Lsub l -> lsub(l);
                case ImapCommand.Status s -> status(s);
                case ImapCommand.Create c -> create(c);
                case ImapCommand.Delete d -> delete(d);
                case ImapCommand.Rename r -> rename(r);
                case ImapCommand.Subscribe s -> subscribe(tag, s.mailbox(), true);
                case ImapCommand.Unsubscribe u -> subscribe(tag, u.mailbox(), false);
                case ImapCommand.Select s -> select(s);
                case ImapCommand.Append a -> appendComplete(a);
                case ImapCommand.Idle i -> idle(i);
                case ImapCommand.Unselect u -> closeMailbox(tag, false, "UNSELECT");
                case ImapCommand.Close c -> closeMailbox(tag, true, "CLOSE");
                case ImapCommand.Expunge e -> expunge(e);
                case ImapCommand.Fetch f -> fetch(f);
                case ImapCommand.Store s -> store(s);
                case ImapCommand.Search s -> search(s);
                case ImapCommand.Copy c -> copyOrMove(tag, c.uid(), c.set(), c.target(), false);
                case ImapCommand.Move m -> copyOrMove(tag, m.uid(), m.set(), m.target(), true);
                case ImapCommand.Sort s -> sort(s);
                case ImapCommand.GetQuota g -> getQuota(g);
                case ImapCommand.GetQuotaRoot g -> getQuotaRoot(g);
            };
        } catch (NotFoundException | AccessDeniedException e) {
            send(ImapResponse.no(tag, ResponseCode.NONEXISTENT, "No such mailbox or message"));
            return true;
        } catch (ConflictException e) {
            send(ImapResponse.no(tag, ResponseCode.ALREADYEXISTS, "Mailbox already exists"));
            return true;
        } catch (InvalidInputException e) {
            send(ImapResponse.no(tag, ResponseCode.CANNOT, "Not possible"));
            return true;
        } catch (RuntimeException e) {
            String ref = UUID.randomUUID().toString().substring(0, 8);
            LOG.warn("event=imap.command_failed client={} command={} ref={} reason={}", client, command.name(), ref,
                    e.toString());
            send(ImapResponse.no(tag, ResponseCode.UNAVAILABLE, "Temporary failure, try again (ref " + ref + ")"));
            return true;
        }
    }

    private boolean capability(ImapCommand.Capability c) throws IOException {
        send(ImapResponse.capability(capabilities()));
        send(ImapResponse.ok(c.tag(), "CAPABILITY completed"));
        return true;
    }

    /**
     * ENABLE (RFC 5161): CONDSTORE, QRESYNC (which implies CONDSTORE) and IMAP4rev2 (which turns
     * mailbox names and quoted strings to UTF-8 both ways, RFC 9051 §5.1); others are ignored.
     */
    private boolean enable(ImapCommand.Enable e) throws IOException {
        List<String> enabled = new ArrayList<>();
        for (String capability : e.capabilities()) {
            if (capability.equals("CONDSTORE") && !condstore) {
                useCondstore();
                enabled.add(capability);
            } else if (capability.equals("QRESYNC") && !qresync) {
                useCondstore();
                qresync = true;
                if (selected != null) {
                    selected.useQresync();
                }
                enabled.add(capability);
            } else if (capability.equals("IMAP4REV2") && !rev2) {
                rev2 = true;
                reader.setUtf8(true);
                writer.setUtf8(true);
                enabled.add("IMAP4rev2");
            }
        }
        send(ImapResponse.enabled(enabled));
        send(ImapResponse.ok(e.tag(), "ENABLE completed"));
        return true;
    }

    /** Turns CONDSTORE on for the rest of the session (ENABLE, or a command that uses it, RFC 7162 §3.1). */
    private void useCondstore() {
        condstore = true;
        if (selected != null) {
            selected.useCondstore();
        }
    }

    private boolean logout(ImapCommand.Logout l) throws IOException {
        send(ImapResponse.bye("Logging out"));
        send(ImapResponse.ok(l.tag(), "LOGOUT completed"));
        flush();
        return false;
    }

    private boolean id(ImapCommand.Id i) throws IOException {
        for (ImapCommand.IdField f : i.fields()) {
            if (f.name().equalsIgnoreCase("name") && f.value().isPresent()) {
                clientName = f.value().get();
            }
        }
        Map<String, String> ours = new LinkedHashMap<>();
        ours.put("name", "Postern");
        send(ImapResponse.id(ours));
        send(ImapResponse.ok(i.tag(), "ID completed"));
        return true;
    }

    // ------------------------------------------------------------------ not authenticated

    private boolean preAuth(ImapCommand command) throws IOException {
        String tag = command.tag();
        return switch (command) {
            case ImapCommand.Capability c -> capability(c);
            case ImapCommand.Noop n -> {
                send(ImapResponse.ok(tag, "NOOP completed"));
                yield true;
            }
            case ImapCommand.Logout l -> logout(l);
            case ImapCommand.Id i -> id(i);
            case ImapCommand.StartTls s -> startTls(s);
            case ImapCommand.Login l -> {
                if (!loginAllowed()) {
                    send(ImapResponse.no(tag, ResponseCode.PRIVACYREQUIRED, "Use STARTTLS first"));
                    yield bad();
                }
                yield signIn(tag, l.user(), l.password().toCharArray());
            }
            case ImapCommand.Authenticate a -> authenticate(a);
            default -> badCommand(tag, "Log in first");
        };
    }

    private boolean startTls(ImapCommand.StartTls s) throws IOException {
        if (tls) {
            return badCommand(s.tag(), "TLS is already active");
        }
        if (ctx.tls().isEmpty()) {
            send(ImapResponse.no(s.tag(), "TLS is not available"));
            return true;
        }
        // Whatever the client pipelined behind STARTTLS came in the clear: never read it as commands.
        int injected = input.retire();
        if (injected > 0) {
            SECURITY.warn("event=imap.starttls_injection client={} bytes={}", client, injected);
        }
        send(ImapResponse.ok(s.tag(), "Begin TLS negotiation now"));
        flush();
        SSLSocket ssl = ctx.tls().get().accept(socket, client);
        socket = ssl;
        tls = true;
        attach(ssl);
        return true;
    }

    private boolean authenticate(ImapCommand.Authenticate a) throws IOException {
        if (!loginAllowed()) {
            send(ImapResponse.no(a.tag(), ResponseCode.PRIVACYREQUIRED, "Use STARTTLS first"));
            return bad();
        }
        if (!a.mechanism().equals("PLAIN")) {
            send(ImapResponse.no(a.tag(), ResponseCode.CANNOT, "Unsupported mechanism"));
            return bad();
        }
        byte[] response;
        if (a.initialResponse().isPresent()) {
            String ir = a.initialResponse().get();
            response = ir.equals("=") ? new byte[0] : java.util.Base64.getDecoder().decode(ir);
        } else {
            send(new ImapResponse.Continuation(""));
            flush();
            SaslResponse r = reader.readSaslResponse();
            switch (r) {
                case SaslResponse.Data d -> response = d.bytes();
                case SaslResponse.Cancelled c -> {
                    send(ImapResponse.bad(a.tag(), "Authentication cancelled"));
                    return bad();
                }
                case SaslResponse.Invalid i -> {
                    send(i.refusal().response(Optional.of(a.tag())));
                    return bad();
                }
                case SaslResponse.EndOfStream e -> {
                    return false;
                }
            }
        }
        // PLAIN (RFC 4616): authzid NUL authcid NUL passwd; authzid empty or the same as authcid.
        int first = indexOf(response, 0);
        int second = first < 0 ? -1 : indexOf(response, first + 1);
        if (second < 0) {
            Arrays.fill(response, (byte) 0);
            send(ImapResponse.bad(a.tag(), "Malformed PLAIN response"));
            return bad();
        }
        String authz = new String(response, 0, first, StandardCharsets.UTF_8);
        String login = new String(response, first + 1, second - first - 1, StandardCharsets.UTF_8);
        char[] secret = StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(response, second + 1,
                response.length - second - 1)).array();
        Arrays.fill(response, (byte) 0);
        if (!authz.isEmpty() && !authz.equals(login)) {
            Arrays.fill(secret, '\0');
            send(ImapResponse.no(a.tag(), ResponseCode.AUTHORIZATIONFAILED, "Authorization refused"));
            return bad();
        }
        return signIn(a.tag(), login, trim(secret));
    }

    private static char[] trim(char[] decoded) {
        int n = decoded.length;
        while (n > 0 && decoded[n - 1] == '\0') {
            n--;
        }
        char[] out = Arrays.copyOf(decoded, n);
        Arrays.fill(decoded, '\0');
        return out;
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private boolean signIn(String tag, String login, char[] secret) throws IOException {
        Optional<Caller.User> who = ctx.authenticator().authenticate(login, secret, new ClientInfo(client, clientName));
        if (who.isEmpty()) {
            send(ImapResponse.no(tag, ResponseCode.AUTHENTICATIONFAILED, "Authentication failed"));
            return bad();
        }
        user = who.get();
        reader.useLimits(ctx.settings().limits());
        socket.setSoTimeout(millis(ctx.settings().idleTimeout().toMillis()));
        LOG.info("event=imap.login user={} client={} tls={}", user.userId(), client, tls);
        send(ImapResponse.ok(tag, ResponseCode.capability(capabilities()), "Logged in"));
        return true;
    }

    // ------------------------------------------------------------------ mailboxes

    private boolean list(ImapCommand.ListMailboxes l) throws IOException {
        String tag = l.tag();
        if (l.patterns().size() == 1 && l.patterns().getFirst().isEmpty()) {
            send(ImapResponse.list(List.of("\\Noselect"), Mailboxes.DELIMITER, new MailboxName(""), List.of()));
            send(ImapResponse.ok(tag, "LIST completed"));
            return true;
        }
        List<ListPattern> patterns = new ArrayList<>();
        for (String p : l.patterns()) {
            Optional<ListPattern> compiled = ListPattern.of(l.reference(), p, Mailboxes.DELIMITER);
            if (compiled.isEmpty()) {
                return badCommand(tag, "Pattern too long");
            }
            patterns.add(compiled.get());
        }
        List<MailboxState> all = ctx.mailboxes().list(user);
        Set<String> names = new HashSet<>();
        all.forEach(m -> names.add(m.name()));
        boolean subscribedOnly = l.selection().contains(ImapCommand.ListSelection.SUBSCRIBED);
        boolean specialOnly = l.selection().contains(ImapCommand.ListSelection.SPECIAL_USE);
        boolean returnSubscribed = subscribedOnly || l.returns().contains(ImapCommand.ListReturn.SUBSCRIBED);
        boolean recursive = l.selection().contains(ImapCommand.ListSelection.RECURSIVEMATCH);
        boolean returnStatus = l.returns().contains(ImapCommand.ListReturn.STATUS);
        Set<String> subscribedNames = new HashSet<>();
        all.stream().filter(MailboxState::subscribed).forEach(m -> subscribedNames.add(m.name()));
        for (MailboxState m : sorted(all)) {
            if (patterns.stream().noneMatch(p -> p.matches(m.name()))) {
                continue;
            }
            // RECURSIVEMATCH (RFC 5258 §3.5): a parent of subscribed mailboxes is listed with CHILDINFO.
            boolean subscribedChild = recursive && subscribedOnly
                    && subscribedNames.stream().anyMatch(n -> n.startsWith(m.name() + Mailboxes.DELIMITER));
            if (subscribedOnly && !m.subscribed() && !subscribedChild) {
                continue;
            }
            if (specialOnly && (m.specialUse().isEmpty() || m.specialUse().get() == SpecialUse.INBOX)) {
                continue;
            }
            List<String> attributes = new ArrayList<>();
            boolean children = names.stream().anyMatch(n -> n.startsWith(m.name() + Mailboxes.DELIMITER));
            attributes.add(children ? "\\HasChildren" : "\\HasNoChildren");
            m.specialUse().map(SpecialUse::imapAttribute).filter(a -> a != null).ifPresent(attributes::add);
            if (returnSubscribed && m.subscribed()) {
                attributes.add("\\Subscribed");
            }
            List<ImapValue> extended = subscribedChild ? List.of(new ImapValue.Str("CHILDINFO"),
                    ImapValue.list(new ImapValue.Str("SUBSCRIBED"))) : List.of();
            send(ImapResponse.list(attributes, Mailboxes.DELIMITER, new MailboxName(m.name()), extended));
            if (returnStatus && (!subscribedOnly || m.subscribed())) {
                // LIST-STATUS (RFC 5819): each listed mailbox's STATUS right after its LIST line.
                send(ImapResponse.status(new MailboxName(m.name()), statusValues(m, l.statusItems())));
            }
        }
        send(ImapResponse.ok(tag, "LIST completed"));
        return true;
    }

    private static List<MailboxState> sorted(List<MailboxState> all) {
        List<MailboxState> out = new ArrayList<>(all);
        out.sort((a, b) -> a.name().equals("INBOX") ? -1 : b.name().equals("INBOX") ? 1 : a.name().compareTo(b.name()));
        return out;
    }

    private boolean lsub(ImapCommand.Lsub l) throws IOException {
        Optional<ListPattern> pattern = ListPattern.of(l.reference(), l.pattern(), Mailboxes.DELIMITER);
        if (pattern.isEmpty()) {
            return badCommand(l.tag(), "Pattern too long");
        }
        for (MailboxState m : sorted(ctx.mailboxes().list(user))) {
            if (m.subscribed() && pattern.get().matches(m.name())) {
                send(ImapResponse.lsub(List.of(), Mailboxes.DELIMITER, new MailboxName(m.name())));
            }
        }
        send(ImapResponse.ok(l.tag(), "LSUB completed"));
        return true;
    }

    private boolean status(ImapCommand.Status s) throws IOException {
        MailboxState box = ctx.mailboxes().find(user, s.mailbox().name()).orElseThrow(() -> new NotFoundException("x"));
        send(ImapResponse.status(s.mailbox(), statusValues(box, s.items())));
        updates(true);
        send(ImapResponse.ok(s.tag(), "STATUS completed"));
        return true;
    }

    /** The STATUS items of a mailbox, from one snapshot, in the order asked. */
    private Map<StatusItem, Long> statusValues(MailboxState box, List<StatusItem> items) {
        Snapshot snap = ctx.mailboxes().snapshot(user, box.id()).orElseThrow(() -> new NotFoundException("x"));
        Map<StatusItem, Long> values = new LinkedHashMap<>();
        for (StatusItem item : items) {
            values.put(item, switch (item) {
                case MESSAGES -> (long) snap.messages().size();
                case RECENT -> 0L;
                case UIDNEXT -> snap.mailbox().uidNext();
                case UIDVALIDITY -> snap.mailbox().uidValidity();
                case UNSEEN -> snap.messages().stream().filter(m -> !m.flags().contains("\\Seen")).count();
                case DELETED -> snap.messages().stream().filter(m -> m.flags().contains("\\Deleted")).count();
                case SIZE -> snap.messages().stream().mapToLong(MessageState::size).sum();
                case HIGHESTMODSEQ -> snap.mailbox().highestModSeq();
                case APPENDLIMIT -> ctx.settings().limits().maxAppendBytes();
            });
        }
        return values;
    }

    private boolean create(ImapCommand.Create c) throws IOException {
        String name = c.mailbox().name();
        if (name.endsWith(String.valueOf(Mailboxes.DELIMITER))) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.equals("INBOX") || ctx.mailboxes().find(user, name).isPresent()) {
            send(ImapResponse.no(c.tag(), ResponseCode.ALREADYEXISTS, "Mailbox already exists"));
            return true;
        }
        Optional<SpecialUse> use = Optional.empty();
        for (String attribute : c.specialUse()) {
            for (SpecialUse u : SpecialUse.values()) {
                if (attribute.equalsIgnoreCase(u.imapAttribute())) {
                    use = Optional.of(u);
                }
            }
        }
        createWithSuperiors(name, use);
        send(ImapResponse.ok(c.tag(), "CREATE completed"));
        return true;
    }

    /** Creates a mailbox and its missing superiors (RFC 3501 §6.3.3), so LIST never shows a hole. */
    private MailboxState createWithSuperiors(String name, Optional<SpecialUse> use) {
        createSuperiors(name);
        return ctx.mailboxes().create(user, name, use);
    }

    /**
     * Creates the missing superiors of a name (CREATE and RENAME, RFC 9051 §6.3.4, §6.3.6): with no
     * holes in the hierarchy, LIST never has a \NonExistent parent to report.
     */
    private void createSuperiors(String name) {
        int slash = -1;
        while ((slash = name.indexOf(Mailboxes.DELIMITER, slash + 1)) > 0) {
            String parent = name.substring(0, slash);
            if (ctx.mailboxes().find(user, parent).isEmpty()) {
                ctx.mailboxes().create(user, parent, Optional.empty());
            }
        }
    }

    private boolean delete(ImapCommand.Delete d) throws IOException {
        String name = d.mailbox().name();
        if (name.equals("INBOX")) {
            send(ImapResponse.no(d.tag(), ResponseCode.CANNOT, "INBOX cannot be deleted"));
            return true;
        }
        if (ctx.mailboxes().list(user).stream().anyMatch(m -> m.name().startsWith(name + Mailboxes.DELIMITER))) {
            // IMAP4rev2 names this refusal (RFC 9051 §7.1 HASCHILDREN); IMAP4rev1 had no code for it.
            send(ImapResponse.no(d.tag(), rev2 ? ResponseCode.HASCHILDREN : ResponseCode.INUSE,
                    "Delete the mailboxes below it first"));
            return true;
        }
        if (selected != null && selected.mailbox().name().equals(name)) {
            selected = null;
        }
        if (!ctx.mailboxes().delete(user, name)) {
            throw new NotFoundException("no such mailbox");
        }
        send(ImapResponse.ok(d.tag(), "DELETE completed"));
        return true;
    }

    private boolean rename(ImapCommand.Rename r) throws IOException {
        if (ctx.mailboxes().find(user, r.to().name()).isPresent() || r.to().isInbox()) {
            send(ImapResponse.no(r.tag(), ResponseCode.ALREADYEXISTS, "Mailbox already exists"));
            return true;
        }
        if (r.to().name().startsWith(r.from().name() + Mailboxes.DELIMITER) && !r.from().isInbox()) {
            send(ImapResponse.no(r.tag(), ResponseCode.CANNOT, "A mailbox cannot move below itself"));
            return true;
        }
        if (r.from().isInbox()) {
            // RFC 3501 §6.3.5: INBOX's messages move to the new name; INBOX stays, empty.
            MailboxState target = createWithSuperiors(r.to().name(), Optional.empty());
            ctx.mailboxes().moveInboxTo(user, target.id());
            updates(true);
            send(ImapResponse.ok(r.tag(), "RENAME completed"));
            return true;
        }
        if (ctx.mailboxes().find(user, r.from().name()).isEmpty()) {
            throw new NotFoundException("no such mailbox");
        }
        createSuperiors(r.to().name());
        if (!ctx.mailboxes().rename(user, r.from().name(), r.to().name())) {
            throw new NotFoundException("no such mailbox");
        }
        send(ImapResponse.ok(r.tag(), "RENAME completed"));
        return true;
    }

    private boolean subscribe(String tag, MailboxName name, boolean subscribe) throws IOException {
        if (!ctx.mailboxes().setSubscribed(user, name.name(), subscribe)) {
            throw new NotFoundException("no such mailbox");
        }
        send(ImapResponse.ok(tag, (subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE") + " completed"));
        return true;
    }

    private boolean select(ImapCommand.Select s) throws IOException {
        if (s.qresync().isPresent() && !qresync) {
            return badCommand(s.tag(), "ENABLE QRESYNC first");
        }
        if (selected != null && (qresync || rev2)) {
            send(ImapResponse.untagged(ImapResponse.Status.OK, ResponseCode.CLOSED, "Previous mailbox closed"));
        }
        selected = null;
        if (s.condstore()) {
            useCondstore();
        }
        Optional<MailboxState> box = ctx.mailboxes().find(user, s.mailbox().name());
        Optional<Snapshot> snap = box.flatMap(b -> ctx.mailboxes().snapshot(user, b.id()));
        if (snap.isEmpty()) {
            send(ImapResponse.no(s.tag(), ResponseCode.NONEXISTENT, "No such mailbox"));
            return true;
        }
        SelectedMailbox sel = new SelectedMailbox(snap.get(), s.readOnly());
        if (qresync) {
            sel.useQresync();
        } else if (condstore) {
            sel.useCondstore();
        }
        Set<String> flags = new TreeSet<>(SYSTEM_FLAGS);
        sel.messages().forEach(m -> flags.addAll(m.flags()));
        send(ImapResponse.flags(flags));
        send(ImapResponse.exists(sel.count()));
        if (rev2) {
            // IMAP4rev2 dropped RECENT and the UNSEEN code and added the mailbox's LIST (RFC 9051 §6.3.2).
            send(ImapResponse.list(listAttributes(snap.get().mailbox()), Mailboxes.DELIMITER,
                    new MailboxName(snap.get().mailbox().name()), List.of()));
        } else {
            send(ImapResponse.recent(0));
            for (int seq = 1; seq <= sel.count(); seq++) {
                if (!sel.at(seq).flags().contains("\\Seen")) {
                    send(ImapResponse.untagged(ImapResponse.Status.OK, ResponseCode.unseen(seq), "First unseen"));
                    break;
                }
            }
        }
        MailboxState m = snap.get().mailbox();
        send(ImapResponse.untagged(ImapResponse.Status.OK, ResponseCode.uidValidity(m.uidValidity()), "UIDs valid"));
        send(ImapResponse.untagged(ImapResponse.Status.OK, ResponseCode.uidNext(m.uidNext()), "Predicted next UID"));
        send(ImapResponse.untagged(ImapResponse.Status.OK, ResponseCode.highestModSeq(m.highestModSeq()),
                "Highest"));
        List<String> permanent = new ArrayList<>();
        if (!s.readOnly()) {
            permanent.addAll(SYSTEM_FLAGS);
            permanent.add("\\*");
        }
        send(ImapResponse.untagged(ImapResponse.Status.OK, ResponseCode.permanentFlags(permanent), "Flags permitted"));
        if (s.qresync().isPresent() && s.qresync().get().uidValidity() == m.uidValidity()) {
            resynchronise(s.qresync().get(), sel);
        }
        selected = sel;
        send(ImapResponse.ok(s.tag(), s.readOnly() ? ResponseCode.READ_ONLY : ResponseCode.READ_WRITE,
                (s.readOnly() ? "EXAMINE" : "SELECT") + " completed"));
        return true;
    }

    /**
     * QRESYNC on SELECT (RFC 7162 §3.2.5): the known UIDs that vanished since the client's MODSEQ,
     * then the flags of every message changed since it. The optional sequence match data only
     * narrows what a server must say, so it is not needed here: the answer is a correct superset.
     */
    private void resynchronise(ImapCommand.Qresync q, SelectedMailbox sel) throws IOException {
        long lastUid = sel.mailbox().uidNext() - 1;
        if (lastUid >= 1) {
            NumberRanges known = q.knownUids().map(set -> set.resolve(Math.min(lastUid, SequenceSet.MAX_NUMBER)))
                    .orElse(NumberRanges.range(1, Math.min(lastUid, SequenceSet.MAX_NUMBER)));
            NumberRanges vanished = SelectedMailbox.vanishedSince(known, sel.messages(),
                    ctx.mailboxes().expunged(user, sel.mailbox().id()), q.modSeq());
            if (!vanished.isEmpty()) {
                send(ImapResponse.vanished(true, vanished));
            }
        }
        for (int seq = 1; seq <= sel.count(); seq++) {
            MessageState m = sel.at(seq);
            if (m.modSeq() > q.modSeq()) {
                send(ImapResponse.fetch(seq, sel.flagData(m, true)));
            }
        }
    }

    /** A mailbox's LIST attributes: children (RFC 3348) and special use (RFC 6154). */
    private List<String> listAttributes(MailboxState m) {
        List<String> attributes = new ArrayList<>();
        boolean children = ctx.mailboxes().list(user).stream()
                .anyMatch(o -> o.name().startsWith(m.name() + Mailboxes.DELIMITER));
        attributes.add(children ? "\\HasChildren" : "\\HasNoChildren");
        m.specialUse().map(SpecialUse::imapAttribute).filter(a -> a != null).ifPresent(attributes::add);
        return attributes;
    }

    private boolean closeMailbox(String tag, boolean expunge, String name) throws IOException {
        if (selected == null) {
            return badCommand(tag, "No mailbox selected");
        }
        if (expunge && !selected.readOnly()) {
            List<MessageState> deleted = selected.messages().stream()
                    .filter(m -> m.flags().contains("\\Deleted")).toList();
            ctx.mailboxes().expunge(user, deleted.stream().map(MessageState::id).toList());
        }
        selected = null;
        send(ImapResponse.ok(tag, name + " completed"));
        return true;
    }

    /** Untagged updates for the selected mailbox (new mail, flags, and, where allowed, expunges). */
    private void updates(boolean allowExpunge) throws IOException {
        if (selected != null) {
            for (ImapResponse r : selected.refresh(ctx.mailboxes(), user, allowExpunge)) {
                send(r);
            }
        }
    }

    // ------------------------------------------------------------------ QUOTA

    /** The one quota root (RFC 9208), named "", holding all of a user's mailboxes; present when a quota is set. */
    private static final String QUOTA_ROOT = "";

    private ImapResponse quotaResponse() {
        long kib = 1024;
        long used = (ctx.mailboxes().usedBytes(user) + kib - 1) / kib;
        return ImapResponse.quota(QUOTA_ROOT, Map.of("STORAGE", new long[] {used, ctx.settings().quotaBytes() / kib}));
    }

    private boolean getQuotaRoot(ImapCommand.GetQuotaRoot g) throws IOException {
        ctx.mailboxes().find(user, g.mailbox().name()).orElseThrow(() -> new NotFoundException("no such mailbox"));
        boolean quota = ctx.settings().quotaBytes() > 0;
        send(ImapResponse.quotaRoot(g.mailbox(), quota ? List.of(QUOTA_ROOT) : List.of()));
        if (quota) {
            send(quotaResponse());
        }
        send(ImapResponse.ok(g.tag(), "GETQUOTAROOT completed"));
        return true;
    }

    private boolean getQuota(ImapCommand.GetQuota g) throws IOException {
        if (ctx.settings().quotaBytes() == 0 || !g.root().equals(QUOTA_ROOT)) {
            send(ImapResponse.no(g.tag(), ResponseCode.NONEXISTENT, "No such quota root"));
            return true;
        }
        send(quotaResponse());
        send(ImapResponse.ok(g.tag(), "GETQUOTA completed"));
        return true;
    }

    // ------------------------------------------------------------------ selected state

    private boolean requireSelected(String tag) throws IOException {
        if (selected == null) {
            badCommand(tag, "No mailbox selected");
            return false;
        }
        return true;
    }

    private boolean fetch(ImapCommand.Fetch f) throws IOException {
        if (!requireSelected(f.tag())) {
            return badCommands < ctx.settings().maxBadCommands();
        }
        if (f.vanished() && !qresync) {
            return badCommand(f.tag(), "ENABLE QRESYNC first");
        }
        if (f.changedSince().isPresent() || f.attributes().contains(FetchAttribute.Simple.MODSEQ)) {
            useCondstore();
            // Compare against the mailbox as it is now, not as this session last saw it.
            updates(f.uid());
        }
        List<Integer> seqs;
        try {
            seqs = selected.resolve(f.set(), f.uid());
        } catch (SelectedMailbox.NoSuchMessage e) {
            return badCommand(f.tag(), "No such message");
        }
        if (f.vanished()) {
            long lastUid = selected.mailbox().uidNext() - 1;
            Optional<MailboxState> now = ctx.mailboxes().state(user, selected.mailbox().id());
            long uidNext = now.map(MailboxState::uidNext).orElse(selected.mailbox().uidNext());
            long max = Math.min(SequenceSet.MAX_NUMBER, Math.max(lastUid, uidNext - 1));
            if (max >= 1) {
                NumberRanges vanished = SelectedMailbox.vanishedSince(
                        f.set().savedResult() ? selected.savedUids() : f.set().resolve(max), selected.messages(),
                        ctx.mailboxes().expunged(user, selected.mailbox().id()), f.changedSince().getAsLong());
                if (!vanished.isEmpty()) {
                    send(ImapResponse.vanished(true, vanished));
                }
            }
        }
        try {
            FetchOp.run(f, seqs, selected, ctx.mailboxes(), user, condstore, this::send);
        } catch (FetchOp.UnknownTransferEncoding e) {
            send(ImapResponse.no(f.tag(), ResponseCode.UNKNOWN_CTE, "Cannot decode this part's transfer encoding"));
            return true;
        }
        updates(f.uid());
        send(ImapResponse.ok(f.tag(), (f.uid() ? "UID FETCH" : "FETCH") + " completed"));
        return true;
    }

    private boolean store(ImapCommand.Store s) throws IOException {
        if (!requireSelected(s.tag())) {
            return badCommands < ctx.settings().maxBadCommands();
        }
        if (selected.readOnly()) {
            send(ImapResponse.no(s.tag(), ResponseCode.READ_ONLY, "Mailbox is read-only"));
            return true;
        }
        List<Integer> seqs;
        try {
            seqs = selected.resolve(s.set(), s.uid());
        } catch (SelectedMailbox.NoSuchMessage e) {
            return badCommand(s.tag(), "No such message");
        }
        Set<String> given = new HashSet<>(s.flags());
        given.remove("\\Recent");
        if (s.unchangedSince().isPresent()) {
            useCondstore();
        }
        long unchangedSince = s.unchangedSince().orElse(Long.MAX_VALUE);
        List<Long> modified = new ArrayList<>();
        for (int seq : seqs) {
            MessageState before = selected.at(seq);
            Optional<Mailboxes.FlagUpdate> result = ctx.mailboxes().updateFlags(user, before.id(), current -> {
                Set<String> flags = new HashSet<>(current);
                switch (s.mode()) {
                    case REPLACE -> {
                        flags.clear();
                        flags.addAll(given);
                    }
                    case ADD -> flags.addAll(given);
                    case REMOVE -> removeFlags(flags, given);
                }
                return flags;
            }, unchangedSince);
            if (result.isEmpty()) {
                continue; // expunged elsewhere meanwhile
            }
            if (!result.get().applied()) {
                // Left for the next update to report with its current flags (RFC 7162 §3.1.3).
                modified.add(s.uid() ? before.uid() : seq);
                continue;
            }
            MessageState m = result.get().message();
            selected.update(m);
            boolean newModSeq = m.modSeq() != before.modSeq();
            if (!s.silent()) {
                send(ImapResponse.fetch(seq, storeData(m, true, s.uid())));
            } else if (condstore && newModSeq) {
                // .SILENT still tells a CONDSTORE client the new MODSEQ (RFC 7162 §3.1.3).
                send(ImapResponse.fetch(seq, storeData(m, false, s.uid())));
            }
        }
        updates(s.uid());
        if (!modified.isEmpty()) {
            send(ImapResponse.ok(s.tag(), ResponseCode.modified(NumberRanges.of(
                    modified.stream().mapToLong(Long::longValue).toArray())), "Conditional STORE failed"));
        } else {
            send(ImapResponse.ok(s.tag(), (s.uid() ? "UID STORE" : "STORE") + " completed"));
        }
        return true;
    }

    /** A STORE's FETCH data: FLAGS (unless silent), UID for UID STORE, MODSEQ under CONDSTORE. */
    private List<ImapValue> storeData(MessageState m, boolean withFlags, boolean withUid) {
        List<ImapValue> pairs = new ArrayList<>();
        if (withFlags) {
            pairs.add(new ImapValue.Atom("FLAGS"));
            pairs.add(FetchOp.flags(m.flags()));
        }
        if (withUid) {
            pairs.add(new ImapValue.Atom("UID"));
            pairs.add(ImapValue.number(m.uid()));
        }
        if (condstore) {
            pairs.add(new ImapValue.Atom("MODSEQ"));
            pairs.add(ImapValue.list(ImapValue.number(m.modSeq())));
        }
        return pairs;
    }

    private static void removeFlags(Set<String> flags, Set<String> remove) {
        flags.removeIf(f -> remove.contains(f)
                || (!f.startsWith("\\") && remove.stream().anyMatch(r -> r.equalsIgnoreCase(f))));
    }

    private boolean search(ImapCommand.Search s) throws IOException {
        if (!requireSelected(s.tag())) {
            return badCommands < ctx.settings().maxBadCommands();
        }
        boolean modSeqKey = usesModSeq(s.key());
        if (modSeqKey) {
            useCondstore();
        }
        Set<ImapCommand.SearchReturn> save = s.returnOptions().orElse(Set.of());
        List<Integer> seqs;
        try {
            seqs = matching(withSavedResult(s.key()));
        } catch (IOException | RuntimeException e) {
            if (save.contains(ImapCommand.SearchReturn.SAVE)) {
                selected.save(NumberRanges.empty()); // a failed SAVE leaves $ empty (RFC 5182 §2.1)
            }
            throw e;
        }
        if (save.contains(ImapCommand.SearchReturn.SAVE)) {
            saveResult(seqs, save);
        }
        List<Long> found = seqs.stream().map(seq -> s.uid() ? selected.at(seq).uid() : (long) seq).toList();
        // With a MODSEQ key the answer names the highest MODSEQ among the matches (RFC 7162 §3.1.5).
        Optional<Long> highest = modSeqKey ? seqs.stream().map(seq -> selected.at(seq).modSeq())
                .max(Long::compare) : Optional.empty();
        NumberRanges result = NumberRanges.of(found.stream().mapToLong(Long::longValue).toArray());
        if (s.returnOptions().isPresent() && s.returnOptions().get().equals(Set.of(ImapCommand.SearchReturn.SAVE))) {
            // RETURN (SAVE) alone answers nothing but OK (RFC 5182 §2.4).
        } else if (s.returnOptions().isPresent() || rev2) {
            // IMAP4rev2 answers every SEARCH with ESEARCH, as RETURN (ALL) (RFC 9051 §6.4.4).
            Set<ImapCommand.SearchReturn> opts = s.returnOptions().orElse(Set.of());
            boolean all = opts.isEmpty() || opts.contains(ImapCommand.SearchReturn.ALL);
            send(ImapResponse.esearch(s.tag(), s.uid(),
                    opts.contains(ImapCommand.SearchReturn.MIN) && !result.isEmpty() ? Optional.of(result.min()) : Optional.empty(),
                    opts.contains(ImapCommand.SearchReturn.MAX) && !result.isEmpty() ? Optional.of(result.max()) : Optional.empty(),
                    opts.contains(ImapCommand.SearchReturn.COUNT) ? Optional.of(result.size()) : Optional.empty(),
                    all ? Optional.of(result) : Optional.empty(), highest));
        } else {
            send(ImapResponse.search(result, highest));
        }
        updates(s.uid());
        send(ImapResponse.ok(s.tag(), (s.uid() ? "UID SEARCH" : "SEARCH") + " completed"));
        return true;
    }

    /**
     * Keeps a SEARCH or SORT result as {@code $} (RFC 5182 §2.4): every match, or only the first
     * and/or last when MIN and/or MAX come without ALL or COUNT.
     */
    private void saveResult(List<Integer> seqs, Set<ImapCommand.SearchReturn> opts) {
        List<Integer> kept = seqs;
        boolean min = opts.contains(ImapCommand.SearchReturn.MIN);
        boolean max = opts.contains(ImapCommand.SearchReturn.MAX);
        if ((min || max) && !opts.contains(ImapCommand.SearchReturn.ALL)
                && !opts.contains(ImapCommand.SearchReturn.COUNT) && !seqs.isEmpty()) {
            kept = new ArrayList<>();
            if (min) {
                kept.add(seqs.getFirst());
            }
            if (max && (!min || seqs.size() > 1)) {
                kept.add(seqs.getLast());
            }
        }
        selected.save(NumberRanges.of(kept.stream().mapToLong(seq -> selected.at(seq).uid()).toArray()));
    }

    /**
     * The key with {@code $} replaced by the saved result's UIDs, so the search itself never sees
     * {@code $}; an empty (or never saved) result matches nothing (RFC 5182 §2.1).
     */
    private SearchKey withSavedResult(SearchKey key) {
        return switch (key) {
            case SearchKey.SequenceNumbers n when n.set().savedResult() -> savedKey();
            case SearchKey.Uids u when u.set().savedResult() -> savedKey();
            case SearchKey.Not n -> new SearchKey.Not(withSavedResult(n.key()));
            case SearchKey.And a -> new SearchKey.And(a.keys().stream().map(this::withSavedResult).toList());
            case SearchKey.Or o -> new SearchKey.Or(withSavedResult(o.left()), withSavedResult(o.right()));
            default -> key;
        };
    }

    private SearchKey savedKey() {
        NumberRanges uids = selected.savedUids();
        if (uids.isEmpty()) {
            return new SearchKey.Not(new SearchKey.All());
        }
        long[] bounds = new long[uids.intervalCount() * 2];
        for (int i = 0; i < uids.intervalCount(); i++) {
            bounds[2 * i] = uids.low(i);
            bounds[2 * i + 1] = uids.high(i);
        }
        return new SearchKey.Uids(SequenceSet.ofRanges(bounds));
    }

    /** The sequence numbers of the selected messages that match, ascending. */
    private List<Integer> matching(SearchKey key) throws IOException {
        SearchOp op = new SearchOp(selected, ctx.mailboxes(), user, ctx.clock().instant());
        List<Integer> found = new ArrayList<>();
        for (int seq = 1; seq <= selected.count(); seq++) {
            if (op.matches(key, seq)) {
                found.add(seq);
            }
        }
        return found;
    }

    private static boolean usesModSeq(SearchKey key) {
        return switch (key) {
            case SearchKey.ModSeq m -> true;
            case SearchKey.Not n -> usesModSeq(n.key());
            case SearchKey.And a -> a.keys().stream().anyMatch(ImapSession::usesModSeq);
            case SearchKey.Or o -> usesModSeq(o.left()) || usesModSeq(o.right());
            default -> false;
        };
    }

    private boolean sort(ImapCommand.Sort s) throws IOException {
        if (!requireSelected(s.tag())) {
            return badCommands < ctx.settings().maxBadCommands();
        }
        if (!SortOp.supported(s.criteria())) {
            return badCommand(s.tag(), "SORT=DISPLAY is not supported");
        }
        boolean modSeqKey = usesModSeq(s.key());
        if (modSeqKey) {
            useCondstore();
        }
        Set<ImapCommand.SearchReturn> opts = s.returnOptions().orElse(Set.of());
        List<Integer> seqs;
        try {
            seqs = SortOp.sort(matching(withSavedResult(s.key())), s.criteria(), selected, ctx.mailboxes(), user);
        } catch (IOException | RuntimeException e) {
            if (opts.contains(ImapCommand.SearchReturn.SAVE)) {
                selected.save(NumberRanges.empty());
            }
            throw e;
        }
        if (opts.contains(ImapCommand.SearchReturn.SAVE)) {
            // ESORT with SEARCHRES (RFC 5267, RFC 5182): $ is a set, so sort order is not kept; MIN/MAX are in sort order.
            saveResult(seqs, opts);
        }
        Optional<Long> highest = modSeqKey ? seqs.stream().map(seq -> selected.at(seq).modSeq())
                .max(Long::compare) : Optional.empty();
        List<Long> sorted = seqs.stream().map(seq -> s.uid() ? selected.at(seq).uid() : (long) seq).toList();
        if (opts.equals(Set.of(ImapCommand.SearchReturn.SAVE))) {
            // RETURN (SAVE) alone answers nothing but OK (RFC 5182 §2.4).
        } else if (s.returnOptions().isPresent()) {
            send(esort(s, sorted, highest));
        } else {
            send(ImapResponse.sort(sorted, highest));
        }
        updates(s.uid());
        send(ImapResponse.ok(s.tag(), (s.uid() ? "UID SORT" : "SORT") + " completed"));
        return true;
    }

    /**
     * ESORT (RFC 5267): an ESEARCH answer in which MIN and MAX are the first and last message in
     * sort order and ALL lists them in that order.
     */
    private static ImapResponse esort(ImapCommand.Sort s, List<Long> sorted, Optional<Long> highest) {
        Set<ImapCommand.SearchReturn> opts = s.returnOptions().orElseThrow();
        List<ImapValue> items = new ArrayList<>(List.of(new ImapValue.Atom("ESEARCH"),
                ImapValue.list(new ImapValue.Atom("TAG"), new ImapValue.Str(s.tag()))));
        if (s.uid()) {
            items.add(new ImapValue.Atom("UID"));
        }
        if (!sorted.isEmpty() && opts.contains(ImapCommand.SearchReturn.MIN)) {
            items.addAll(List.of(new ImapValue.Atom("MIN"), ImapValue.number(sorted.getFirst())));
        }
        if (!sorted.isEmpty() && opts.contains(ImapCommand.SearchReturn.MAX)) {
            items.addAll(List.of(new ImapValue.Atom("MAX"), ImapValue.number(sorted.getLast())));
        }
        if (opts.contains(ImapCommand.SearchReturn.COUNT)) {
            items.addAll(List.of(new ImapValue.Atom("COUNT"), ImapValue.number(sorted.size())));
        }
        if (!sorted.isEmpty() && (opts.isEmpty() || opts.contains(ImapCommand.SearchReturn.ALL))) {
            StringBuilder all = new StringBuilder();
            for (long n : sorted) {
                all.append(all.isEmpty() ? "" : ",").append(n);
            }
            items.addAll(List.of(new ImapValue.Atom("ALL"), new ImapValue.Raw(all.toString())));
        }
        highest.ifPresent(m -> items.addAll(List.of(new ImapValue.Atom("MODSEQ"), ImapValue.number(m))));
        return new ImapResponse.Data(items);
    }

    private boolean expunge(ImapCommand.Expunge e) throws IOException {
        if (!requireSelected(e.tag())) {
            return badCommands < ctx.settings().maxBadCommands();
        }
        if (selected.readOnly()) {
            send(ImapResponse.no(e.tag(), ResponseCode.READ_ONLY, "Mailbox is read-only"));
            return true;
        }
        NumberRanges uids = e.uids().isEmpty() ? null : e.uids().get().savedResult() ? selected.savedUids()
                : e.uids().get().resolve(Math.min(SequenceSet.MAX_NUMBER, Math.max(0, selected.lastUid())));
        List<MessageState> doomed = selected.messages().stream()
                .filter(m -> m.flags().contains("\\Deleted"))
                .filter(m -> uids == null || uids.contains(m.uid())).toList();
        ctx.mailboxes().expunge(user, doomed.stream().map(MessageState::id).toList());
        for (ImapResponse r : selected.expunged(doomed.stream().map(MessageState::uid).toList())) {
            send(r);
        }
        updates(true);
        send(ImapResponse.ok(e.tag(), (e.uids().isPresent() ? "UID EXPUNGE" : "EXPUNGE") + " completed"));
        return true;
    }

    private boolean copyOrMove(String tag, boolean uid, SequenceSet set, MailboxName target,
            boolean move) throws IOException {
        if (!requireSelected(tag)) {
            return badCommands < ctx.settings().maxBadCommands();
        }
        if (move && selected.readOnly()) {
            send(ImapResponse.no(tag, ResponseCode.READ_ONLY, "Mailbox is read-only"));
            return true;
        }
        List<Integer> seqs;
        try {
            seqs = selected.resolve(set, uid);
        } catch (SelectedMailbox.NoSuchMessage e) {
            return badCommand(tag, "No such message");
        }
        Optional<MailboxState> dest = ctx.mailboxes().find(user, target.name());
        if (dest.isEmpty()) {
            send(ImapResponse.no(tag, ResponseCode.TRYCREATE, "No such mailbox"));
            return true;
        }
        String name = (uid ? "UID " : "") + (move ? "MOVE" : "COPY") + " completed";
        if (seqs.isEmpty()) {
            send(ImapResponse.ok(tag, name));
            return true;
        }
        List<MessageState> sources = seqs.stream().map(selected::at).toList();
        List<MessageState> copies = ctx.mailboxes().copy(user, sources.stream().map(MessageState::id).toList(),
                dest.get().id());
        ResponseCode copyUid = ResponseCode.copyUid(dest.get().uidValidity(),
                sources.stream().map(MessageState::uid).toList(), copies.stream().map(MessageState::uid).toList());
        if (!move) {
            updates(uid);
            send(ImapResponse.ok(tag, copyUid, name));
            return true;
        }
        send(ImapResponse.untagged(ImapResponse.Status.OK, copyUid, "Moved"));
        ctx.mailboxes().expunge(user, sources.stream().map(MessageState::id).toList());
        for (ImapResponse r : selected.expunged(sources.stream().map(MessageState::uid).toList())) {
            send(r);
        }
        updates(true);
        send(ImapResponse.ok(tag, name));
        return true;
    }

    // ------------------------------------------------------------------ APPEND

    private boolean literal(ReadResult.LiteralAnnounced a) throws IOException {
        if (user == null && !a.command().equals("LOGIN")) {
            send(ImapResponse.bad(a.tag(), "Log in first"));
            reader.refuseLiteral();
            return bad();
        }
        if (a.message().isPresent()) {
            ReadResult.IncomingMessage m = a.message().get();
            if (m.index() == 0) {
                startAppend(a.tag(), m.mailbox());
            }
            if (appendFailure == null && m.message().size() > appendRoom) {
                // Refused before a byte of it is read (RFC 9208 §4.3: NO [OVERQUOTA]).
                appendFailure = ImapResponse.no(a.tag(), ResponseCode.OVERQUOTA, "Over quota");
            }
            if (appendFailure != null) {
                send(appendFailure);
                reader.refuseLiteral();
                dropStaged();
                return true;
            }
        }
        send(ImapResponse.goAhead());
        flush();
        reader.acceptLiteral();
        return true;
    }

    private void startAppend(String tag, MailboxName mailbox) {
        dropStaged();
        appendFailure = null;
        appendTarget = ctx.mailboxes().find(user, mailbox.name()).orElse(null);
        if (appendTarget == null) {
            appendFailure = ImapResponse.no(tag, ResponseCode.TRYCREATE, "No such mailbox");
        }
        long quota = ctx.settings().quotaBytes();
        appendRoom = quota == 0 ? Long.MAX_VALUE : quota - ctx.mailboxes().usedBytes(user);
    }

    private boolean appendData(ReadResult.AppendData d) {
        if (user == null) {
            return true; // the pre-auth limits allow no APPEND message; the reader refuses it
        }
        if (d.message().index() == 0 && (appendTarget == null || !staged.isEmpty() || appendFailure != null)) {
            startAppend(d.tag(), d.message().mailbox());
        }
        if (appendFailure != null) {
            return true; // the rest of the body is skipped by the reader
        }
        ImapCommand.AppendMessage m = d.message().message();
        if (m.size() > appendRoom) {
            appendFailure = ImapResponse.no(d.tag(), ResponseCode.OVERQUOTA, "Over quota");
            return true; // the reader skips the body
        }
        Set<String> flags = new HashSet<>(m.flags());
        flags.remove("\\Recent");
        try {
            staged.add(ctx.mailboxes().append(user, appendTarget.id(), d.body(), flags,
                    m.internalDate().map(t -> t.toInstant()), ctx.settings().limits().maxAppendBytes()));
            appendRoom -= staged.getLast().size();
        } catch (InvalidInputException e) {
            appendFailure = ImapResponse.no(d.tag(), ResponseCode.TOOBIG, "Message too large");
        } catch (NotFoundException e) {
            appendFailure = ImapResponse.no(d.tag(), ResponseCode.TRYCREATE, "No such mailbox");
        } catch (RuntimeException e) {
            String ref = UUID.randomUUID().toString().substring(0, 8);
            LOG.warn("event=imap.append_failed client={} ref={} reason={}", client, ref, e.toString());
            appendFailure = ImapResponse.no(d.tag(), ResponseCode.UNAVAILABLE,
                    "Temporary failure, try again (ref " + ref + ")");
        }
        return true;
    }

    private boolean appendComplete(ImapCommand.Append a) throws IOException {
        if (appendFailure != null || appendTarget == null || staged.size() != a.messages().size()) {
            ImapResponse.Tagged failure = appendFailure != null ? appendFailure
                    : ImapResponse.no(a.tag(), ResponseCode.UNAVAILABLE, "APPEND failed");
            dropStaged();
            send(failure);
            return true;
        }
        // Every message is durable (blob fsynced, row committed) before this OK.
        ResponseCode code = ResponseCode.appendUid(appendTarget.uidValidity(),
                NumberRanges.of(staged.stream().mapToLong(MessageState::uid).toArray()));
        staged.clear();
        appendTarget = null;
        updates(true);
        send(ImapResponse.ok(a.tag(), code, "APPEND completed"));
        return true;
    }

    /** A MULTIAPPEND is all or nothing: what was stored for a refused command is taken back. */
    private void dropStaged() {
        if (!staged.isEmpty() && user != null) {
            try {
                ctx.mailboxes().expunge(user, staged.stream().map(MessageState::id).toList());
            } catch (RuntimeException e) {
                LOG.warn("event=imap.append_rollback_failed client={} reason={}", client, e.toString());
            }
        }
        staged.clear();
        appendTarget = null;
        appendFailure = null;
    }

    // ------------------------------------------------------------------ IDLE

    private boolean idle(ImapCommand.Idle i) throws IOException {
        updates(true);
        send(new ImapResponse.Continuation("idling"));
        flush();
        SelectedMailbox watched = selected;
        long keepaliveNanos = ctx.settings().idleKeepalive().toNanos();
        Thread poller = Thread.ofVirtual().name("imap-idle").start(() -> {
            try {
                long lastSent = System.nanoTime();
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(IDLE_POLL_MILLIS);
                    if (System.nanoTime() - lastSent >= keepaliveNanos) {
                        // Keeps NAT and firewall state alive while nothing happens (RFC 2177 §3).
                        writeLock.lock();
                        try {
                            writer.write(ImapResponse.untagged(ImapResponse.Status.OK, "Still here"));
                            writer.flush();
                        } finally {
                            writeLock.unlock();
                        }
                        lastSent = System.nanoTime();
                    }
                    if (watched != null && watched.changed(ctx.mailboxes(), user)) {
                        writeLock.lock();
                        try {
                            for (ImapResponse r : watched.refresh(ctx.mailboxes(), user, true)) {
                                writer.write(r);
                            }
                            writer.flush();
                        } finally {
                            writeLock.unlock();
                        }
                        lastSent = System.nanoTime();
                    }
                }
            } catch (InterruptedException e) {
                // IDLE ended
            } catch (IOException | RuntimeException e) {
                LOG.debug("event=imap.idle_poll_failed client={} reason={}", client, e.getClass().getSimpleName());
            }
        });
        IdleEnd end;
        try {
            end = reader.readIdleEnd();
        } finally {
            if (poller != null) {
                poller.interrupt();
                try {
                    poller.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return switch (end) {
            case DONE -> {
                updates(true);
                send(ImapResponse.ok(i.tag(), "IDLE terminated"));
                yield true;
            }
            case NOT_DONE -> badCommand(i.tag(), "Expected DONE");
            case END_OF_STREAM -> false;
        };
    }
}
