package org.postern.codec.imap;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reads IMAP commands from one connection's {@link ImapInput}: assembles each command's lines
 * and literals within {@link ImapLimits}, stops at every synchronising literal so the session can
 * decide before a byte of it is read, streams APPEND messages instead of buffering them, and
 * hands complete commands to {@link ImapCommandParser}.
 *
 * <h2>Framing rules</h2>
 * <ul>
 *   <li>Only CRLF ends a line. A line ended by a bare LF is refused (BAD) and not executed; a
 *       CR elsewhere is a syntax error. Real clients send CRLF; tolerating LF only helps
 *       confuse what a line is.</li>
 *   <li>A line that ends with {@code {n}}, {@code {n+}}, {@code {n-}} (or {@code ~{n}} for an
 *       APPEND message) announces a literal, whatever precedes it, so a refused line can never
 *       make the literal's bytes be read as commands (the CRLF-injection class net-imap's
 *       authors describe).</li>
 *   <li>Synchronising literal: refused at once when too large (the client waits for a
 *       continuation it will not get); otherwise {@link ReadResult.LiteralAnnounced}, and nothing
 *       more is read until the session calls {@link #acceptLiteral()} or {@link #refuseLiteral()}.</li>
 *   <li>Non-synchronising literal: the client sends it at once. Within the limits it is read
 *       (or streamed). Too large (or over 4096 octets under LITERAL-), the command is refused
 *       and the literal and the rest of the command are read and thrown away, up to
 *       {@code maxDiscardBytes}; past that the answer carries {@code closeConnection}, because
 *       the only other way to stay in step would be to read without bound.</li>
 *   <li>A line over {@code maxLineBytes} or a command over {@code maxCommandBytes} is refused,
 *       the rest of it consumed the same way.</li>
 *   <li>An HTTP request line is refused with {@code closeConnection} (cross-protocol requests).</li>
 * </ul>
 *
 * <p>Memory: a command buffer that grows only as the command needs (to
 * {@code maxCommandBytes}) and shrinks back after a large command, plus the input's buffer.
 * Not thread-safe.
 */
public final class ImapCommandReader {
    private static final int INITIAL_BUFFER = 512;
    private static final int SHRINK_ABOVE = 16 << 10;
    private static final int TAIL = 64;

    private static final Set<String> COMMANDS = Set.of("CAPABILITY", "NOOP", "LOGOUT", "STARTTLS", "AUTHENTICATE",
            "LOGIN", "ENABLE", "SELECT", "EXAMINE", "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LIST",
            "LSUB", "NAMESPACE", "STATUS", "APPEND", "ID", "IDLE", "CHECK", "CLOSE", "UNSELECT", "EXPUNGE", "SEARCH",
            "SORT", "FETCH", "STORE", "COPY", "MOVE", "UID", "GETQUOTA", "GETQUOTAROOT");
    private static final Set<String> UID_COMMANDS = Set.of("COPY", "MOVE", "FETCH", "SEARCH", "SORT", "STORE",
            "EXPUNGE");
    private static final Set<String> HTTP_METHODS = Set.of("GET", "POST", "PUT", "HEAD", "CONNECT", "OPTIONS",
            "DELETE", "PATCH", "TRACE");

    private enum State { READY, AWAITING_DECISION, LITERAL_ACCEPTED, IN_APPEND_BODY, CLOSED }

    private enum Piece { LINE, BARE_LF, TOO_LONG, DISCARD_LIMIT, END }

    /** A literal announcement at the end of a line. {@code start} is where it begins in the line. */
    private record Marker(long size, boolean synchronizing, boolean binary, int start) {}

    private final ImapInput input;
    private ImapLimits limits;
    private ImapCommandParser parser;
    private boolean utf8;

    private State state = State.READY;
    private byte[] buf = new byte[INITIAL_BUFFER];
    private int len;
    private int pieceStart;
    private Refusal tooLongReason;
    private final byte[] tail = new byte[TAIL];
    private int tailLength;
    private boolean tailTruncated;
    private long discarded;

    // The command being read.
    private boolean firstPiece;
    private String tag;
    private String command;
    private int appendArgumentStart = -1;
    private int literalCount;
    private MailboxName appendMailbox;
    private final List<ImapCommand.AppendMessage> appended = new ArrayList<>();
    private long pendingSize;
    private ReadResult.IncomingMessage pendingMessage;
    private LiteralStream body;

    public ImapCommandReader(ImapInput input, ImapLimits limits) {
        this.input = Objects.requireNonNull(input);
        useLimits(limits);
    }

    /**
     * Applies new limits; call between commands (for example the authenticated ones after
     * LOGIN; see {@link ImapLimits#preAuthentication()}). The input's buffer keeps its size.
     */
    public void useLimits(ImapLimits limits) {
        this.limits = Objects.requireNonNull(limits);
        this.parser = new ImapCommandParser(limits);
    }

    /** Switches mailbox names to UTF-8 (after {@code ENABLE UTF8=ACCEPT} or IMAP4rev2). */
    public void setUtf8(boolean utf8) {
        this.utf8 = utf8;
    }

    public boolean isUtf8() {
        return utf8;
    }

    /** Whether the client has sent bytes beyond what was read (pipelining). */
    public boolean hasBufferedInput() {
        return input.hasBufferedInput();
    }

    /** The command buffer's current size, for tests of memory per connection. */
    int commandBufferCapacity() {
        return buf.length;
    }

    // ------------------------------------------------------------------ the session's calls

    /**
     * Reads until there is something for the session: a command, a refusal, a literal waiting
     * for a decision, an APPEND message to stream, or the end of the stream. Blocks.
     *
     * @throws IllegalStateException while a literal awaits {@link #acceptLiteral()} or
     *     {@link #refuseLiteral()}, or after a result that closes the connection
     */
    public ReadResult next() throws IOException {
        switch (state) {
            case AWAITING_DECISION -> throw new IllegalStateException("accept or refuse the announced literal first");
            case CLOSED -> throw new IllegalStateException("the connection must close");
            case IN_APPEND_BODY -> {
                if (!body.skipRest()) {
                    return endOfStream();
                }
                body = null;
                state = State.READY;
                return readCommand();
            }
            case LITERAL_ACCEPTED -> {
                state = State.READY;
                if (pendingMessage != null) {
                    return startBody();
                }
                if (!readLiteral(pendingSize)) {
                    return endOfStream();
                }
                return readCommand();
            }
            default -> {
                return readCommand();
            }
        }
    }

    /** The session sent {@code + ...}: read the announced literal on the next {@link #next()}. */
    public void acceptLiteral() {
        requireDecision();
        state = State.LITERAL_ACCEPTED;
    }

    /**
     * The session answered the announced literal with a tagged NO or BAD: the client will not
     * send it, and the command is over. A session staging an APPEND for this tag drops it.
     */
    public void refuseLiteral() {
        requireDecision();
        resetCommand();
        state = State.READY;
    }

    /**
     * Reads one AUTHENTICATE response line (after the session sent a {@code +} challenge):
     * Base64, {@code *} to cancel, or an empty line for an empty response. At most
     * {@code maxLineBytes}.
     */
    public SaslResponse readSaslResponse() throws IOException {
        requireReady();
        resetCommand();
        Piece p = readPiece();
        try {
            return switch (p) {
                case END -> new SaslResponse.EndOfStream();
                case DISCARD_LIMIT -> {
                    state = State.CLOSED;
                    yield new SaslResponse.Invalid(Refusal.DISCARD_LIMIT_EXCEEDED);
                }
                case TOO_LONG -> new SaslResponse.Invalid(Refusal.LINE_TOO_LONG);
                case BARE_LF -> new SaslResponse.Invalid(Refusal.BARE_LINE_FEED);
                case LINE -> {
                    String line = new String(buf, 0, len, StandardCharsets.ISO_8859_1);
                    if (line.equals("*")) {
                        yield new SaslResponse.Cancelled();
                    }
                    if (line.isEmpty()) {
                        yield new SaslResponse.Data(new byte[0]);
                    }
                    if (!ImapCommandParser.isBase64(line)) {
                        yield new SaslResponse.Invalid(Refusal.INVALID_BASE64);
                    }
                    yield new SaslResponse.Data(Base64.getDecoder().decode(line));
                }
            };
        } finally {
            java.util.Arrays.fill(buf, 0, len, (byte) 0); // the line held credentials
            resetCommand();
        }
    }

    /** Reads the line that ends IDLE (after the session sent {@code + idling}). */
    public IdleEnd readIdleEnd() throws IOException {
        requireReady();
        resetCommand();
        Piece p = readPiece();
        IdleEnd result = switch (p) {
            case END -> IdleEnd.END_OF_STREAM;
            case DISCARD_LIMIT -> {
                state = State.CLOSED;
                yield IdleEnd.NOT_DONE;
            }
            case LINE -> len == 4 && new String(buf, 0, 4, StandardCharsets.US_ASCII).equalsIgnoreCase("DONE")
                    ? IdleEnd.DONE : IdleEnd.NOT_DONE;
            default -> IdleEnd.NOT_DONE;
        };
        resetCommand();
        return result;
    }

    // ------------------------------------------------------------------ assembling a command

    private ReadResult readCommand() throws IOException {
        while (true) {
            if (len == 0 && appended.isEmpty() && literalCount == 0) {
                firstPiece = true;
            }
            pieceStart = len;
            Piece p = readPiece();
            if (p == Piece.END) {
                return endOfStream();
            }
            if (p == Piece.DISCARD_LIMIT) {
                return close(Refusal.DISCARD_LIMIT_EXCEEDED);
            }
            if (firstPiece) {
                identify();
                if (p != Piece.TOO_LONG && isHttpRequest()) {
                    tag = null; // "GET" is not a tag: answer untagged
                    return close(Refusal.NOT_IMAP);
                }
            }
            firstPiece = false;
            if (p == Piece.TOO_LONG) {
                return refuseRest(tooLongReason, markerInTail());
            }
            Marker marker = marker(buf, pieceStart, len);
            if (p == Piece.BARE_LF) {
                return refuseRest(Refusal.BARE_LINE_FEED, marker);
            }
            if (marker == null) {
                return complete();
            }
            ReadResult r = literal(marker);
            if (r != null) {
                return r;
            }
            // A non-synchronising literal was read into the command: go on with the next line.
        }
    }

    /** The first line: its tag, command name and where APPEND's first argument starts. */
    private void identify() {
        tag = null;
        command = null;
        appendArgumentStart = -1;
        int i = 0;
        while (i < len && ImapSyntax.isTagChar(buf[i] & 0xff)) {
            i++;
        }
        if (i == 0 || i > ImapCommandParser.MAX_TAG_LENGTH || i >= len || buf[i] != ' ') {
            return;
        }
        tag = new String(buf, 0, i, StandardCharsets.US_ASCII);
        int start = ++i;
        while (i < len && ImapSyntax.isAtomChar(buf[i] & 0xff)) {
            i++;
        }
        String name = new String(buf, start, i - start, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
        if (!COMMANDS.contains(name)) {
            return;
        }
        if (name.equals("UID")) {
            if (i >= len || buf[i] != ' ') {
                return;
            }
            start = ++i;
            while (i < len && ImapSyntax.isAtomChar(buf[i] & 0xff)) {
                i++;
            }
            String sub = new String(buf, start, i - start, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
            if (!UID_COMMANDS.contains(sub)) {
                return;
            }
            name = "UID " + sub;
        }
        command = name;
        if (name.equals("APPEND") && i < len && buf[i] == ' ') {
            appendArgumentStart = i + 1;
        }
    }

    private boolean isHttpRequest() {
        String line = new String(buf, 0, Math.min(len, 512), StandardCharsets.ISO_8859_1);
        int sp = line.indexOf(' ');
        return sp > 0 && HTTP_METHODS.contains(line.substring(0, sp))
                && (line.endsWith(" HTTP/1.0") || line.endsWith(" HTTP/1.1"));
    }

    /** The line ended without a literal: the command is complete. */
    private ReadResult complete() {
        ReadResult result;
        if (appendMailbox != null) {
            // What follows the last APPEND message must be nothing at all.
            ImapCommandParser.AppendStep next = parser.parseAppendNext(tag, appendMailbox,
                    java.util.Arrays.copyOfRange(buf, pieceStart, len), len - pieceStart, utf8);
            result = switch (next) {
                case ImapCommandParser.AppendEnd e -> new ReadResult.Command(new ImapCommand.Append(tag, appendMailbox,
                        appended));
                case ImapCommandParser.AppendRefused r -> rejected(r.refusal());
                // A message head here would have ended with a literal announcement, not with CRLF.
                case ImapCommandParser.AppendHead h -> rejected(Refusal.SYNTAX);
            };
        } else {
            result = switch (parser.parse(buf, len, utf8)) {
                case ParseResult.Parsed p -> new ReadResult.Command(p.command());
                case ParseResult.Rejected r -> new ReadResult.Rejected(r.tag(), r.refusal(), false);
            };
        }
        resetCommand();
        return result;
    }

    /**
     * A literal is announced at the end of the line just read. Returns the result for the
     * session, or null when a non-synchronising literal was read into the command.
     */
    private ReadResult literal(Marker m) throws IOException {
        literalCount++;
        boolean mailboxPosition = literalCount == 1 && pieceStart == 0 && m.start() == appendArgumentStart;
        boolean message = "APPEND".equals(command) && !mailboxPosition;
        if (tag == null) {
            return refuseRest(Refusal.MISSING_TAG, m);
        }
        if (command == null) {
            return refuseRest(Refusal.UNKNOWN_COMMAND, m);
        }
        if (!m.synchronizing() && !limits.literalPlus() && m.size() > ImapLimits.LITERAL_MINUS_MAX_BYTES) {
            return refuseRest(Refusal.NON_SYNCHRONIZING_LITERAL_TOO_LARGE, m);
        }
        if (!message) {
            if (m.binary()) {
                return refuseRest(Refusal.SYNTAX, m);
            }
            if (m.size() > limits.maxLiteralBytes()) {
                return refuseRest(Refusal.LITERAL_TOO_LARGE, m);
            }
            if (m.size() > limits.maxCommandBytes() - (long) len - 2) {
                return refuseRest(Refusal.COMMAND_TOO_LONG, m);
            }
            if (m.synchronizing()) {
                pendingSize = m.size();
                pendingMessage = null;
                state = State.AWAITING_DECISION;
                return new ReadResult.LiteralAnnounced(tag, command, m.size(), Optional.empty());
            }
            return readLiteral(m.size()) ? null : endOfStream();
        }
        if (appended.size() >= limits.maxMessagesPerAppend()) {
            return refuseRest(Refusal.TOO_MANY_MESSAGES, m);
        }
        if (m.size() > limits.maxAppendBytes()) {
            return refuseRest(Refusal.MESSAGE_TOO_LARGE, m);
        }
        ImapCommandParser.AppendStep head = appendMailbox == null
                ? parser.parseAppendStart(buf, len, utf8)
                : parser.parseAppendNext(tag, appendMailbox, java.util.Arrays.copyOfRange(buf, pieceStart, len),
                        len - pieceStart, utf8);
        if (!(head instanceof ImapCommandParser.AppendHead h)) {
            Refusal why = head instanceof ImapCommandParser.AppendRefused r ? r.refusal() : Refusal.SYNTAX;
            return refuseRest(why, m);
        }
        appendMailbox = h.mailbox();
        pendingMessage = new ReadResult.IncomingMessage(h.mailbox(), appended.size(), h.message());
        pendingSize = m.size();
        len = 0; // the command's text so far is parsed; what follows the message starts afresh
        pieceStart = 0;
        if (m.synchronizing()) {
            state = State.AWAITING_DECISION;
            return new ReadResult.LiteralAnnounced(tag, command, m.size(), Optional.of(pendingMessage));
        }
        return startBody();
    }

    private ReadResult startBody() {
        ReadResult.IncomingMessage message = pendingMessage;
        appended.add(message.message());
        pendingMessage = null;
        body = new LiteralStream(pendingSize);
        state = State.IN_APPEND_BODY;
        return new ReadResult.AppendData(tag, message, body);
    }

    /** Reads an ordinary literal of {@code size} octets into the command, after its CRLF. */
    private boolean readLiteral(long size) throws IOException {
        int n = (int) size;
        ensureCapacity(len + 2 + n);
        buf[len++] = '\r';
        buf[len++] = '\n';
        while (n > 0) {
            if (!input.fill()) {
                return false;
            }
            int take = Math.min(n, input.limit() - input.position());
            System.arraycopy(input.buffer(), input.position(), buf, len, take);
            input.advanceTo(input.position() + take);
            len += take;
            n -= take;
        }
        return true;
    }

    /**
     * Refuses the command. A non-synchronising literal the client is sending anyway, and
     * whatever else the command holds, is read and thrown away within maxDiscardBytes; a
     * synchronising one was never sent.
     */
    private ReadResult refuseRest(Refusal refusal, Marker marker) throws IOException {
        Marker m = marker;
        while (m != null && !m.synchronizing()) {
            if (m.size() > limits.maxDiscardBytes() - discarded) {
                return close(refusal);
            }
            discarded += m.size();
            if (!skipInput(m.size())) {
                return endOfStream();
            }
            // The command goes on after the literal: discard its next line too.
            len = 0;
            pieceStart = 0;
            Piece p = readPiece();
            switch (p) {
                case END -> {
                    return endOfStream();
                }
                case DISCARD_LIMIT -> {
                    return close(refusal);
                }
                case TOO_LONG -> m = markerInTail();
                default -> {
                    discarded += len;
                    if (discarded > limits.maxDiscardBytes()) {
                        return close(refusal);
                    }
                    m = marker(buf, 0, len);
                }
            }
        }
        ReadResult r = rejected(refusal);
        resetCommand();
        return r;
    }

    private ReadResult.Rejected rejected(Refusal refusal) {
        return new ReadResult.Rejected(Optional.ofNullable(tag), refusal, false);
    }

    private ReadResult close(Refusal refusal) {
        ReadResult r = new ReadResult.Rejected(Optional.ofNullable(tag), refusal, true);
        resetCommand();
        state = State.CLOSED;
        return r;
    }

    private ReadResult endOfStream() {
        // Bytes held of the unfinished command; at least 1 when one was under way.
        long unterminated = Math.max(len, appended.isEmpty() && literalCount == 0 ? 0 : 1);
        resetCommand();
        state = State.CLOSED;
        return new ReadResult.EndOfStream(unterminated);
    }

    private void resetCommand() {
        len = 0;
        pieceStart = 0;
        tag = null;
        command = null;
        appendArgumentStart = -1;
        literalCount = 0;
        appendMailbox = null;
        appended.clear();
        pendingMessage = null;
        pendingSize = 0;
        discarded = 0;
        if (buf.length > SHRINK_ABOVE) {
            buf = new byte[INITIAL_BUFFER];
        }
    }

    private void requireDecision() {
        if (state != State.AWAITING_DECISION) {
            throw new IllegalStateException("no literal is waiting for a decision");
        }
    }

    private void requireReady() {
        if (state != State.READY) {
            throw new IllegalStateException("a command is in progress");
        }
    }

    // ------------------------------------------------------------------ lines and bytes

    /**
     * Reads one line into {@code buf} from {@code len} on, without its line end. A line over
     * maxLineBytes (CRLF included) or making the command exceed maxCommandBytes is consumed to
     * its LF without being kept (its last bytes stay in {@code tail}) and reported TOO_LONG.
     */
    private Piece readPiece() throws IOException {
        int maxPiece = limits.maxLineBytes() - 1; // bytes before the LF, CR included
        long room = Math.min(maxPiece, (long) limits.maxCommandBytes() - len);
        int lineBytes = 0;
        int prefix = 0;
        boolean tooLong = false;
        tailLength = 0;
        tailTruncated = false;
        while (input.fill()) {
            byte[] in = input.buffer();
            int start = input.position();
            int end = input.limit();
            int lf = -1;
            for (int i = start; i < end; i++) {
                if (in[i] == '\n') {
                    lf = i;
                    break;
                }
            }
            int take = (lf < 0 ? end : lf) - start;
            if (!tooLong && lineBytes + take <= room) {
                ensureCapacity(len + lineBytes + take);
                System.arraycopy(in, start, buf, len + lineBytes, take);
                lineBytes += take;
            } else {
                if (!tooLong) {
                    tooLong = true;
                    tooLongReason = room < maxPiece ? Refusal.COMMAND_TOO_LONG : Refusal.LINE_TOO_LONG;
                    keepTail(buf, len, lineBytes);
                    discarded += lineBytes;
                    prefix = lineBytes; // kept in buf, so that the refusal can name the tag
                    lineBytes = 0;
                }
                keepTail(in, start, take);
                discarded += take;
                if (discarded > limits.maxDiscardBytes()) {
                    input.advanceTo(lf < 0 ? end : lf + 1);
                    return Piece.DISCARD_LIMIT;
                }
            }
            if (lf < 0) {
                input.advanceTo(end);
                continue;
            }
            input.advanceTo(lf + 1);
            if (tooLong) {
                if (tailLength > 0 && tail[tailLength - 1] == '\r') {
                    tailLength--;
                }
                len += prefix;
                return Piece.TOO_LONG;
            }
            if (lineBytes == 0 || buf[len + lineBytes - 1] != '\r') {
                len += lineBytes;
                return Piece.BARE_LF;
            }
            len += lineBytes - 1;
            return Piece.LINE;
        }
        len += lineBytes;
        return Piece.END;
    }

    private void keepTail(byte[] from, int offset, int count) {
        if (count >= TAIL) {
            System.arraycopy(from, offset + count - TAIL, tail, 0, TAIL);
            tailTruncated |= tailLength > 0 || count > TAIL;
            tailLength = TAIL;
            return;
        }
        int keep = Math.min(tailLength, TAIL - count);
        if (keep < tailLength) {
            tailTruncated = true;
        }
        System.arraycopy(tail, tailLength - keep, tail, 0, keep);
        System.arraycopy(from, offset, tail, keep, count);
        tailLength = keep + count;
    }

    private Marker markerInTail() {
        Marker m = marker(tail, 0, tailLength);
        if (m == null && tailTruncated && endsWithDigitsAndBrace()) {
            // So many digits that the '{' fell out of the tail: a literal of unknown, huge size.
            boolean sync = tail[tailLength - 2] != '+' && tail[tailLength - 2] != '-';
            return new Marker(Long.MAX_VALUE, sync, false, 0);
        }
        return m;
    }

    private boolean endsWithDigitsAndBrace() {
        if (tailLength < 2 || tail[tailLength - 1] != '}') {
            return false;
        }
        int i = tailLength - 2;
        if (tail[i] == '+' || tail[i] == '-') {
            i--;
        }
        for (; i >= 0; i--) {
            if (!ImapSyntax.isDigit(tail[i])) {
                return false;
            }
        }
        return true;
    }

    /** The literal announcement ending {@code a[from, to)}, or null. */
    private static Marker marker(byte[] a, int from, int to) {
        int i = to - 1;
        if (i < from || a[i] != '}') {
            return null;
        }
        i--;
        boolean sync = true;
        if (i >= from && (a[i] == '+' || a[i] == '-')) {
            sync = false;
            i--;
        }
        int digitsEnd = i + 1;
        while (i >= from && ImapSyntax.isDigit(a[i])) {
            i--;
        }
        if (i + 1 == digitsEnd || i < from || a[i] != '{') {
            return null;
        }
        long size = 0;
        for (int k = i + 1; k < digitsEnd; k++) {
            size = size > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : size * 10 + (a[k] - '0');
        }
        boolean binary = i > from && a[i - 1] == '~';
        return new Marker(size, sync, binary, binary ? i - 1 : i);
    }

    /** Reads and drops {@code n} octets; false at end of stream. */
    private boolean skipInput(long n) throws IOException {
        while (n > 0) {
            if (!input.fill()) {
                return false;
            }
            int take = (int) Math.min(n, input.limit() - input.position());
            input.advanceTo(input.position() + take);
            n -= take;
        }
        return true;
    }

    private void ensureCapacity(int needed) {
        if (needed > buf.length) {
            int size = buf.length;
            while (size < needed) {
                size = (int) Math.min((long) size * 2, Integer.MAX_VALUE - 8);
            }
            buf = java.util.Arrays.copyOf(buf, size);
        }
    }

    /** One APPEND message's content: exactly its size, then end of stream; stale after the next {@link #next()}. */
    private final class LiteralStream extends InputStream {
        private long remaining;

        LiteralStream(long size) {
            this.remaining = size;
        }

        private void check() throws IOException {
            if (body != this) {
                throw new IOException("this APPEND message stream is no longer current");
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int length) throws IOException {
            Objects.checkFromIndexSize(off, length, b.length);
            check();
            if (remaining == 0) {
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            if (!input.fill()) {
                throw new EOFException("the client closed the connection inside an APPEND message");
            }
            int n = (int) Math.min(Math.min(length, remaining), input.limit() - input.position());
            System.arraycopy(input.buffer(), input.position(), b, off, n);
            input.advanceTo(input.position() + n);
            remaining -= n;
            return n;
        }

        @Override
        public int available() throws IOException {
            check();
            return (int) Math.min(remaining, input.bufferedBytes());
        }

        /** Skips what the session left unread; false at end of stream. */
        boolean skipRest() throws IOException {
            boolean ok = skipInput(remaining);
            remaining = 0;
            return ok;
        }
    }
}
