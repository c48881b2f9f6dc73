package org.postern.codec.imap;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Turns one complete command, in its wire form without the final CRLF (literals inline:
 * {@code a LOGIN {5}CRLF alice "pw"}), into an {@link ImapCommand} or the refusal that answers
 * it. Stateless and side-effect free: whether a command is allowed in the session's state is
 * the session's business. {@link ImapCommandReader} assembles commands from the connection and
 * calls it; APPEND messages are streamed by the reader and reach this class only as literal
 * announcements.
 *
 * <p>Grammar: RFC 3501 and RFC 9051 §9 with the extensions Postern offers (LITERAL+/-, ENABLE,
 * ID, IDLE, NAMESPACE, UNSELECT, UIDPLUS, MOVE, CONDSTORE/QRESYNC, ESEARCH, SEARCHRES, SORT,
 * LIST-EXTENDED, LIST-STATUS, SPECIAL-USE, CREATE-SPECIAL-USE, QUOTA, APPENDLIMIT, MULTIAPPEND,
 * BINARY, WITHIN, SASL-IR). Strict: one space between arguments, no trailing space, keywords in
 * any case. The one leniency: quoted strings may hold UTF-8 (valid UTF-8 only) even before
 * {@code ENABLE UTF8=ACCEPT}, as Dovecot allows; mailbox names are still strict modified UTF-7
 * in that mode.
 *
 * <p>Bounds, all from {@link ImapLimits}: tokens per command, nesting depth of lists and search
 * keys, literal sizes; tags are at most {@link #MAX_TAG_LENGTH} characters. Work is linear in the
 * command's length.
 */
public final class ImapCommandParser {

    /** The longest tag accepted (RFC 3501 sets none; a longer one is answered untagged). */
    public static final int MAX_TAG_LENGTH = 64;

    private static final long MAX_NUMBER64 = Long.MAX_VALUE;
    private static final byte[] NIL_MARKER = new byte[0];

    private final ImapLimits limits;

    public ImapCommandParser(ImapLimits limits) {
        this.limits = Objects.requireNonNull(limits);
    }

    /** Parses a command in IMAP4rev1 mode (modified UTF-7 mailbox names). */
    public ParseResult parse(byte[] command) {
        return parse(command, command.length, false);
    }

    /**
     * Parses the first {@code length} bytes of {@code command}. Never throws for any content.
     *
     * @param utf8 whether the client enabled {@code UTF8=ACCEPT} (or IMAP4rev2): mailbox names
     *     are then UTF-8 rather than modified UTF-7
     */
    public ParseResult parse(byte[] command, int length, boolean utf8) {
        Objects.checkFromIndexSize(0, length, command.length);
        Cursor c = new Cursor(command, length, utf8);
        ImapCommand result = c.command();
        if (result == null) {
            return new ParseResult.Rejected(Optional.ofNullable(c.tag), c.error == null ? Refusal.SYNTAX : c.error);
        }
        return new ParseResult.Parsed(result);
    }

    // ------------------------------------------------------------------ APPEND, for the reader

    /** What the reader learns from the text around a streamed APPEND's messages. */
    sealed interface AppendStep {}

    /** The head of one APPEND message: everything up to and including its literal's announcement. */
    record AppendHead(String tag, MailboxName mailbox, ImapCommand.AppendMessage message, boolean synchronizing)
            implements AppendStep {}

    /** Nothing follows the last message: the APPEND is complete. */
    record AppendEnd() implements AppendStep {}

    /** The text is not what APPEND allows there. */
    record AppendRefused(Refusal refusal) implements AppendStep {}

    /**
     * Parses {@code tag APPEND mailbox [flags] [date-time] {n}} where the literal announcement ends
     * the buffer: the first message of an APPEND being streamed.
     */
    AppendStep parseAppendStart(byte[] buffer, int length, boolean utf8) {
        Cursor c = new Cursor(buffer, length, utf8);
        c.tag = c.tag();
        if (c.tag == null) {
            return new AppendRefused(Refusal.MISSING_TAG);
        }
        String name = c.sp() ? c.atomUpper() : null;
        if (!"APPEND".equals(name) || !c.sp()) {
            return c.appendRefused();
        }
        MailboxName mailbox = c.mailbox();
        if (mailbox == null) {
            return c.appendRefused();
        }
        MessageHead head = c.appendMessageHead();
        if (head == null || !c.atEnd()) {
            return c.appendRefused();
        }
        return new AppendHead(c.tag, mailbox, head.message, head.synchronizing);
    }

    /**
     * Parses what follows an APPEND message's content: nothing (the command is complete) or
     * {@code SP [flags] [date-time] {n}}, the next message of a MULTIAPPEND.
     */
    AppendStep parseAppendNext(String tag, MailboxName mailbox, byte[] buffer, int length, boolean utf8) {
        if (length == 0) {
            return new AppendEnd();
        }
        Cursor c = new Cursor(buffer, length, utf8);
        c.tag = tag;
        MessageHead head = c.appendMessageHead();
        if (head == null || !c.atEnd()) {
            return c.appendRefused();
        }
        return new AppendHead(tag, mailbox, head.message, head.synchronizing);
    }

    private record MessageHead(ImapCommand.AppendMessage message, boolean synchronizing) {}

    // ------------------------------------------------------------------ the grammar

    /** One parse: a position in the bytes and the bounds used so far. Methods return null / -1 on failure. */
    private final class Cursor {
        private final byte[] b;
        private final int end;
        private final boolean utf8;
        private int pos;
        private int tokens;
        private int depth;
        private String tag;
        private Refusal error;

        Cursor(byte[] b, int end, boolean utf8) {
            this.b = b;
            this.end = end;
            this.utf8 = utf8;
        }

        AppendRefused appendRefused() {
            return new AppendRefused(error == null ? Refusal.SYNTAX : error);
        }

        // ---------------------------------------------------------- failure and bounds

        <T> T fail(Refusal refusal) {
            if (error == null) {
                error = refusal;
            }
            return null;
        }

        long failNumber(Refusal refusal) {
            fail(refusal);
            return -1;
        }

        boolean token() {
            if (++tokens > limits.maxTokens()) {
                fail(Refusal.TOO_MANY_TOKENS);
                return false;
            }
            return true;
        }

        boolean enter() {
            if (++depth > limits.maxNestingDepth()) {
                fail(Refusal.NESTING_TOO_DEEP);
                return false;
            }
            return token();
        }

        void leave() {
            depth--;
        }

        // ---------------------------------------------------------- lexical primitives

        boolean atEnd() {
            return pos >= end;
        }

        int peek() {
            return pos < end ? b[pos] & 0xff : -1;
        }

        boolean take(char ch) {
            if (pos < end && b[pos] == ch) {
                pos++;
                return true;
            }
            return false;
        }

        boolean expect(char ch) {
            return take(ch) || fail(Refusal.SYNTAX) != null;
        }

        /** Exactly one space. */
        boolean sp() {
            return expect(' ');
        }

        boolean end() {
            return atEnd() || fail(Refusal.SYNTAX) != null;
        }

        String tag() {
            int start = pos;
            while (pos < end && ImapSyntax.isTagChar(b[pos] & 0xff)) {
                pos++;
            }
            if (pos == start || pos - start > MAX_TAG_LENGTH) {
                return fail(Refusal.MISSING_TAG);
            }
            if (pos < end && b[pos] != ' ') {
                return fail(Refusal.MISSING_TAG);
            }
            token();
            return ascii(start, pos);
        }

        /** 1*ATOM-CHAR as an upper-case string. */
        String atomUpper() {
            String a = atom();
            return a == null ? null : a.toUpperCase(Locale.ROOT);
        }

        String atom() {
            int start = pos;
            while (pos < end && ImapSyntax.isAtomChar(b[pos] & 0xff)) {
                pos++;
            }
            if (pos == start) {
                return fail(Refusal.SYNTAX);
            }
            return token() ? ascii(start, pos) : null;
        }

        /** The upper-cased atom at the position, without moving. */
        String peekAtomUpper() {
            int p = pos;
            while (p < end && ImapSyntax.isAtomChar(b[p] & 0xff)) {
                p++;
            }
            return p == pos ? "" : ascii(pos, p).toUpperCase(Locale.ROOT);
        }

        /** Skips the atom {@link #peekAtomUpper()} returned. */
        boolean skipAtom() {
            return atom() != null;
        }

        /** astring: 1*ASTRING-CHAR, quoted or literal; the octets. */
        byte[] astring() {
            int c = peek();
            if (c == '"' || c == '{') {
                return string();
            }
            int start = pos;
            while (pos < end && ImapSyntax.isAstringChar(b[pos] & 0xff)) {
                pos++;
            }
            if (pos == start) {
                return fail(Refusal.SYNTAX);
            }
            return token() ? java.util.Arrays.copyOfRange(b, start, pos) : null;
        }

        /** quoted or literal. */
        byte[] string() {
            int c = peek();
            if (c == '"') {
                return quoted();
            }
            if (c == '{') {
                return literal();
            }
            return fail(Refusal.SYNTAX);
        }

        /** string or NIL ({@link #NIL_MARKER}). */
        byte[] nstring() {
            if (peek() != '"' && peek() != '{') {
                String a = atomUpper();
                return "NIL".equals(a) ? NIL_MARKER : fail(Refusal.SYNTAX);
            }
            return string();
        }

        byte[] quoted() {
            if (!expect('"') || !token()) {
                return null;
            }
            java.io.ByteArrayOutputStream out = null;
            int start = pos;
            while (true) {
                if (pos >= end) {
                    return fail(Refusal.SYNTAX);
                }
                int c = b[pos] & 0xff;
                if (c == '"') {
                    byte[] value;
                    if (out == null) {
                        value = java.util.Arrays.copyOfRange(b, start, pos);
                    } else {
                        out.write(b, start, pos - start);
                        value = out.toByteArray();
                    }
                    pos++;
                    return value;
                }
                if (c == '\\') {
                    if (pos + 1 >= end || (b[pos + 1] != '"' && b[pos + 1] != '\\')) {
                        return fail(Refusal.SYNTAX);
                    }
                    if (out == null) {
                        out = new java.io.ByteArrayOutputStream();
                    }
                    out.write(b, start, pos - start);
                    pos++;
                    start = pos;
                    pos++;
                    continue;
                }
                if (c == 0 || c == '\r' || c == '\n') {
                    return fail(Refusal.SYNTAX);
                }
                pos++;
            }
        }

        /** {@code {n}} / {@code {n+}} / {@code {n-}} CRLF and n octets, bounded by maxLiteralBytes. */
        byte[] literal() {
            long n = literalAnnouncement(false);
            if (n < 0) {
                return null;
            }
            if (n > limits.maxLiteralBytes()) {
                return fail(Refusal.LITERAL_TOO_LARGE);
            }
            if (!crlf() || end - pos < n) {
                return fail(Refusal.SYNTAX);
            }
            int start = pos;
            for (int i = start; i < start + n; i++) {
                if (b[i] == 0) {
                    return fail(Refusal.SYNTAX);
                }
            }
            pos += (int) n;
            return java.util.Arrays.copyOfRange(b, start, pos);
        }

        private boolean lastLiteralSynchronizing;
        private boolean lastLiteralBinary;

        /**
         * {@code [~]{digits[+|-]}}: the announced size, -1 on failure. Sets
         * {@link #lastLiteralSynchronizing} and {@link #lastLiteralBinary}.
         */
        long literalAnnouncement(boolean allowBinary) {
            lastLiteralBinary = false;
            if (allowBinary && take('~')) {
                lastLiteralBinary = true;
            }
            if (!take('{') || !token()) {
                return failNumber(Refusal.SYNTAX);
            }
            int start = pos;
            long n = 0;
            while (pos < end && ImapSyntax.isDigit(b[pos])) {
                // Saturates: a size beyond 2^63 is simply larger than every limit.
                n = n > (MAX_NUMBER64 - 9) / 10 ? MAX_NUMBER64 : n * 10 + (b[pos] - '0');
                pos++;
            }
            if (pos == start) {
                return failNumber(Refusal.SYNTAX);
            }
            lastLiteralSynchronizing = !(take('+') || take('-'));
            if (!take('}')) {
                return failNumber(Refusal.SYNTAX);
            }
            return n;
        }

        boolean crlf() {
            return take('\r') && take('\n');
        }

        /** number (32-bit unsigned), -1 on failure. */
        long number() {
            long n = number64();
            if (n > SequenceSet.MAX_NUMBER) {
                return failNumber(Refusal.SYNTAX);
            }
            return n;
        }

        long nzNumber() {
            long n = number();
            return n == 0 ? failNumber(Refusal.SYNTAX) : n;
        }

        /** number64 / mod-sequence-valzer: 0..2^63-1. */
        long number64() {
            int start = pos;
            long n = 0;
            while (pos < end && ImapSyntax.isDigit(b[pos])) {
                if (n > (MAX_NUMBER64 - 9) / 10) {
                    return failNumber(Refusal.SYNTAX);
                }
                n = n * 10 + (b[pos] - '0');
                pos++;
            }
            if (pos == start || (pos < end && ImapSyntax.isAtomChar(b[pos] & 0xff))) {
                return failNumber(Refusal.SYNTAX);
            }
            return token() ? n : -1;
        }

        long nzNumber64() {
            long n = number64();
            return n == 0 ? failNumber(Refusal.SYNTAX) : n;
        }

        String ascii(int from, int to) {
            return new String(b, from, to - from, StandardCharsets.US_ASCII);
        }

        /** Strict UTF-8 text of a string value. */
        String text(byte[] value) {
            if (value == null) {
                return null;
            }
            Optional<String> s = MailboxNameCodec.decodeUtf8(value);
            return s.isPresent() ? s.get() : fail(Refusal.INVALID_UTF8);
        }

        /** A string argument as text. */
        String astringText() {
            return text(astring());
        }

        // ---------------------------------------------------------- shared productions

        MailboxName mailbox() {
            byte[] raw = astring();
            if (raw == null) {
                return null;
            }
            Optional<MailboxName> name = MailboxNameCodec.decode(raw, utf8);
            return name.isPresent() ? name.get() : fail(Refusal.INVALID_MAILBOX_NAME);
        }

        /** A LIST reference or pattern decoded to Unicode (wildcards pass through). */
        String decodedName(byte[] raw) {
            if (raw == null) {
                return null;
            }
            Optional<String> text = utf8 ? MailboxNameCodec.decodeUtf8(raw) : MailboxNameCodec.decodeModifiedUtf7(raw);
            if (text.isEmpty() || !MailboxName.isValid(text.get())) {
                return fail(Refusal.INVALID_MAILBOX_NAME);
            }
            return text.get();
        }

        /** list-mailbox: 1*list-char or a string. */
        String listMailbox() {
            int c = peek();
            if (c == '"' || c == '{') {
                return decodedName(string());
            }
            int start = pos;
            while (pos < end && ImapSyntax.isListChar(b[pos] & 0xff)) {
                pos++;
            }
            if (pos == start || !token()) {
                return fail(Refusal.SYNTAX);
            }
            return decodedName(java.util.Arrays.copyOfRange(b, start, pos));
        }

        SequenceSet sequenceSet() {
            if (take('$')) {
                if (!token()) {
                    return null;
                }
                return atDelimiter() ? SequenceSet.SAVED_RESULT : fail(Refusal.INVALID_SEQUENCE_SET);
            }
            List<SequenceSet.Range> ranges = new ArrayList<>();
            do {
                long first = seqNumber();
                if (first == 0) {
                    return null;
                }
                long last = first;
                if (take(':')) {
                    last = seqNumber();
                    if (last == 0) {
                        return null;
                    }
                }
                if (!token()) {
                    return null;
                }
                ranges.add(new SequenceSet.Range(first, last));
            } while (take(','));
            if (!atDelimiter()) {
                return fail(Refusal.INVALID_SEQUENCE_SET);
            }
            return new SequenceSet(ranges, false);
        }

        /** Whether the position is at the end, a space or a closing parenthesis. */
        boolean atDelimiter() {
            return atEnd() || b[pos] == ' ' || b[pos] == ')';
        }

        /** nz-number or {@code *} ({@link SequenceSet#STAR}); 0 on failure. */
        long seqNumber() {
            if (take('*')) {
                return SequenceSet.STAR;
            }
            int start = pos;
            long n = 0;
            while (pos < end && ImapSyntax.isDigit(b[pos]) && n <= SequenceSet.MAX_NUMBER) {
                n = n * 10 + (b[pos] - '0');
                pos++;
            }
            if (pos == start || n == 0 || n > SequenceSet.MAX_NUMBER) {
                fail(Refusal.INVALID_SEQUENCE_SET);
                return 0;
            }
            return n;
        }

        /** A flag for STORE/APPEND: system flags canonical, {@code \Recent} and {@code \*} refused. */
        String flag() {
            boolean system = take('\\');
            String a = atom();
            if (a == null) {
                return null;
            }
            if (!system) {
                return a;
            }
            String canonical = canonicalSystemFlag(a);
            if (canonical == null) {
                return "\\" + a; // flag-extension: syntactically valid, the session decides
            }
            return canonical.equals("\\Recent") ? fail(Refusal.SYNTAX) : canonical;
        }

        /** {@code "(" [flag *(SP flag)] ")"}. */
        List<String> flagList() {
            if (!expect('(') || !enter()) {
                return null;
            }
            List<String> flags = new ArrayList<>();
            if (!take(')')) {
                do {
                    String f = flag();
                    if (f == null) {
                        return null;
                    }
                    flags.add(f);
                } while (take(' '));
                if (!expect(')')) {
                    return null;
                }
            }
            leave();
            return flags;
        }

        // ---------------------------------------------------------- commands

        ImapCommand command() {
            tag = tag();
            if (tag == null || !sp()) {
                return null;
            }
            String name = atomUpper();
            if (name == null) {
                return null;
            }
            return switch (name) {
                case "CAPABILITY" -> end() ? new ImapCommand.Capability(tag) : null;
                case "NOOP" -> end() ? new ImapCommand.Noop(tag) : null;
                case "LOGOUT" -> end() ? new ImapCommand.Logout(tag) : null;
                case "STARTTLS" -> end() ? new ImapCommand.StartTls(tag) : null;
                case "NAMESPACE" -> end() ? new ImapCommand.Namespace(tag) : null;
                case "IDLE" -> end() ? new ImapCommand.Idle(tag) : null;
                case "CHECK" -> end() ? new ImapCommand.Check(tag) : null;
                case "CLOSE" -> end() ? new ImapCommand.Close(tag) : null;
                case "UNSELECT" -> end() ? new ImapCommand.Unselect(tag) : null;
                case "EXPUNGE" -> end() ? new ImapCommand.Expunge(tag, Optional.empty()) : null;
                case "AUTHENTICATE" -> authenticate();
                case "LOGIN" -> login();
                case "ENABLE" -> enable();
                case "SELECT" -> select(false);
                case "EXAMINE" -> select(true);
                case "CREATE" -> create();
                case "DELETE" -> {
                    MailboxName m = sp() ? mailbox() : null;
                    yield m != null && end() ? new ImapCommand.Delete(tag, m) : null;
                }
                case "SUBSCRIBE" -> {
                    MailboxName m = sp() ? mailbox() : null;
                    yield m != null && end() ? new ImapCommand.Subscribe(tag, m) : null;
                }
                case "UNSUBSCRIBE" -> {
                    MailboxName m = sp() ? mailbox() : null;
                    yield m != null && end() ? new ImapCommand.Unsubscribe(tag, m) : null;
                }
                case "RENAME" -> {
                    MailboxName from = sp() ? mailbox() : null;
                    MailboxName to = from != null && sp() ? mailbox() : null;
                    yield to != null && end() ? new ImapCommand.Rename(tag, from, to) : null;
                }
                case "LIST" -> list();
                case "LSUB" -> lsub();
                case "STATUS" -> status();
                case "APPEND" -> append();
                case "ID" -> id();
                case "SEARCH" -> search(false);
                case "SORT" -> sort(false);
                case "FETCH" -> fetch(false);
                case "STORE" -> store(false);
                case "COPY" -> copyOrMove(false, false);
                case "MOVE" -> copyOrMove(false, true);
                case "UID" -> uid();
                case "GETQUOTA" -> {
                    String root = sp() ? astringText() : null;
                    yield root != null && end() ? new ImapCommand.GetQuota(tag, root) : null;
                }
                case "GETQUOTAROOT" -> {
                    MailboxName m = sp() ? mailbox() : null;
                    yield m != null && end() ? new ImapCommand.GetQuotaRoot(tag, m) : null;
                }
                default -> fail(Refusal.UNKNOWN_COMMAND);
            };
        }

        ImapCommand uid() {
            if (!sp()) {
                return null;
            }
            String name = atomUpper();
            if (name == null) {
                return null;
            }
            return switch (name) {
                case "COPY" -> copyOrMove(true, false);
                case "MOVE" -> copyOrMove(true, true);
                case "FETCH" -> fetch(true);
                case "SEARCH" -> search(true);
                case "SORT" -> sort(true);
                case "STORE" -> store(true);
                case "EXPUNGE" -> {
                    SequenceSet set = sp() ? sequenceSet() : null;
                    yield set != null && end() ? new ImapCommand.Expunge(tag, Optional.of(set)) : null;
                }
                default -> fail(Refusal.UNKNOWN_COMMAND);
            };
        }

        ImapCommand authenticate() {
            if (!sp()) {
                return null;
            }
            String mechanism = atomUpper();
            if (mechanism == null) {
                return null;
            }
            if (mechanism.length() > 20 || !mechanism.matches("[A-Z0-9_-]+")) {
                return fail(Refusal.SYNTAX);
            }
            Optional<String> initial = Optional.empty();
            if (take(' ')) {
                int start = pos;
                while (pos < end && b[pos] != ' ') {
                    pos++;
                }
                String ir = ascii(start, pos);
                if (!ir.equals("=") && !isBase64(ir)) {
                    return fail(Refusal.INVALID_BASE64);
                }
                initial = Optional.of(ir);
            }
            return end() ? new ImapCommand.Authenticate(tag, mechanism, initial) : null;
        }

        ImapCommand login() {
            String user = sp() ? astringText() : null;
            String password = user != null && sp() ? astringText() : null;
            return password != null && end() ? new ImapCommand.Login(tag, user, password) : null;
        }

        ImapCommand enable() {
            List<String> caps = new ArrayList<>();
            do {
                if (!sp()) {
                    return null;
                }
                String cap = atomUpper();
                if (cap == null) {
                    return null;
                }
                caps.add(cap);
            } while (!atEnd());
            return new ImapCommand.Enable(tag, caps);
        }

        ImapCommand select(boolean readOnly) {
            MailboxName mailbox = sp() ? mailbox() : null;
            if (mailbox == null) {
                return null;
            }
            boolean condstore = false;
            ImapCommand.Qresync qresync = null;
            if (take(' ')) {
                if (!expect('(') || !enter()) {
                    return null;
                }
                do {
                    String param = atomUpper();
                    if ("CONDSTORE".equals(param)) {
                        condstore = true;
                    } else if ("QRESYNC".equals(param)) {
                        if (qresync != null || !sp()) {
                            return fail(Refusal.SYNTAX);
                        }
                        qresync = qresync();
                        if (qresync == null) {
                            return null;
                        }
                    } else {
                        return fail(Refusal.SYNTAX);
                    }
                } while (take(' '));
                if (!expect(')')) {
                    return null;
                }
                leave();
            }
            return end() ? new ImapCommand.Select(tag, mailbox, readOnly, condstore, Optional.ofNullable(qresync)) : null;
        }

        ImapCommand.Qresync qresync() {
            if (!expect('(') || !enter()) {
                return null;
            }
            long uidValidity = nzNumber();
            if (uidValidity < 0 || !sp()) {
                return null;
            }
            long modSeq = nzNumber64();
            if (modSeq < 0) {
                return null;
            }
            SequenceSet knownUids = null;
            SequenceSet knownSeq = null;
            SequenceSet knownSeqUids = null;
            if (take(' ')) {
                if (peek() != '(') {
                    knownUids = sequenceSet();
                    if (knownUids == null || knownUids.savedResult() || knownUids.usesStar()) {
                        return fail(Refusal.INVALID_SEQUENCE_SET); // RFC 7162: "*" is not allowed
                    }
                }
                if (knownUids == null || take(' ')) {
                    if (!expect('(') || !enter()) {
                        return null;
                    }
                    knownSeq = sequenceSet();
                    knownSeqUids = knownSeq != null && sp() ? sequenceSet() : null;
                    if (knownSeqUids == null || !expect(')')) {
                        return null;
                    }
                    if (knownSeq.savedResult() || knownSeqUids.savedResult()) {
                        return fail(Refusal.INVALID_SEQUENCE_SET);
                    }
                    leave();
                }
            }
            if (!expect(')')) {
                return null;
            }
            leave();
            return new ImapCommand.Qresync(uidValidity, modSeq, Optional.ofNullable(knownUids),
                    Optional.ofNullable(knownSeq), Optional.ofNullable(knownSeqUids));
        }

        ImapCommand create() {
            MailboxName mailbox = sp() ? mailbox() : null;
            if (mailbox == null) {
                return null;
            }
            List<String> uses = new ArrayList<>();
            if (take(' ')) {
                if (!expect('(') || !enter()) {
                    return null;
                }
                do {
                    if (!"USE".equals(atomUpper()) || !sp()) {
                        return fail(Refusal.SYNTAX);
                    }
                    List<String> attrs = flagList();
                    if (attrs == null) {
                        return null;
                    }
                    for (String a : attrs) {
                        if (!a.startsWith("\\")) {
                            return fail(Refusal.SYNTAX);
                        }
                        uses.add(canonicalSpecialUse(a));
                    }
                } while (take(' '));
                if (!expect(')')) {
                    return null;
                }
                leave();
            }
            return end() ? new ImapCommand.Create(tag, mailbox, uses) : null;
        }

        ImapCommand list() {
            if (!sp()) {
                return null;
            }
            boolean extended = false;
            Set<ImapCommand.ListSelection> selection = EnumSet.noneOf(ImapCommand.ListSelection.class);
            if (peek() == '(') {
                extended = true;
                pos++;
                if (!enter()) {
                    return null;
                }
                if (!take(')')) {
                    do {
                        String option = atomUpper();
                        if (option == null) {
                            return null;
                        }
                        switch (option) {
                            case "SUBSCRIBED" -> selection.add(ImapCommand.ListSelection.SUBSCRIBED);
                            case "REMOTE" -> selection.add(ImapCommand.ListSelection.REMOTE);
                            case "RECURSIVEMATCH" -> selection.add(ImapCommand.ListSelection.RECURSIVEMATCH);
                            case "SPECIAL-USE" -> selection.add(ImapCommand.ListSelection.SPECIAL_USE);
                            default -> {
                                return fail(Refusal.SYNTAX);
                            }
                        }
                    } while (take(' '));
                    if (!expect(')')) {
                        return null;
                    }
                }
                leave();
                if (!sp()) {
                    return null;
                }
                if (selection.contains(ImapCommand.ListSelection.RECURSIVEMATCH)) {
                    // RFC 5258 §3.1: RECURSIVEMATCH alone (or with REMOTE only) is a BAD.
                    Set<ImapCommand.ListSelection> others = EnumSet.copyOf(selection);
                    others.remove(ImapCommand.ListSelection.RECURSIVEMATCH);
                    others.remove(ImapCommand.ListSelection.REMOTE);
                    if (others.isEmpty()) {
                        return fail(Refusal.SYNTAX);
                    }
                }
            }
            String reference = decodedName(astring());
            if (reference == null || !sp()) {
                return null;
            }
            List<String> patterns = new ArrayList<>();
            if (peek() == '(') {
                extended = true;
                pos++;
                if (!enter()) {
                    return null;
                }
                do {
                    String p = listMailbox();
                    if (p == null) {
                        return null;
                    }
                    patterns.add(p);
                } while (take(' '));
                if (!expect(')')) {
                    return null;
                }
                leave();
            } else {
                String p = listMailbox();
                if (p == null) {
                    return null;
                }
                patterns.add(p);
            }
            Set<ImapCommand.ListReturn> returns = EnumSet.noneOf(ImapCommand.ListReturn.class);
            List<StatusItem> statusItems = new ArrayList<>();
            if (take(' ')) {
                extended = true;
                if (!"RETURN".equals(atomUpper()) || !sp() || !expect('(') || !enter()) {
                    return fail(Refusal.SYNTAX);
                }
                if (!take(')')) {
                    do {
                        String option = atomUpper();
                        if (option == null) {
                            return null;
                        }
                        switch (option) {
                            case "SUBSCRIBED" -> returns.add(ImapCommand.ListReturn.SUBSCRIBED);
                            case "CHILDREN" -> returns.add(ImapCommand.ListReturn.CHILDREN);
                            case "SPECIAL-USE" -> returns.add(ImapCommand.ListReturn.SPECIAL_USE);
                            case "STATUS" -> {
                                if (returns.contains(ImapCommand.ListReturn.STATUS) || !sp()) {
                                    return fail(Refusal.SYNTAX);
                                }
                                returns.add(ImapCommand.ListReturn.STATUS);
                                List<StatusItem> items = statusItems();
                                if (items == null) {
                                    return null;
                                }
                                statusItems.addAll(items);
                            }
                            default -> {
                                return fail(Refusal.SYNTAX);
                            }
                        }
                    } while (take(' '));
                    if (!expect(')')) {
                        return null;
                    }
                }
                leave();
            }
            return end() ? new ImapCommand.ListMailboxes(tag, selection, reference, patterns, returns, statusItems,
                    extended) : null;
        }

        ImapCommand lsub() {
            String reference = sp() ? decodedName(astring()) : null;
            String pattern = reference != null && sp() ? listMailbox() : null;
            return pattern != null && end() ? new ImapCommand.Lsub(tag, reference, pattern) : null;
        }

        /** {@code "(" status-att *(SP status-att) ")"}. */
        List<StatusItem> statusItems() {
            if (!expect('(') || !enter()) {
                return null;
            }
            List<StatusItem> items = new ArrayList<>();
            do {
                String a = atom();
                if (a == null) {
                    return null;
                }
                Optional<StatusItem> item = StatusItem.of(a);
                if (item.isEmpty()) {
                    return fail(Refusal.SYNTAX);
                }
                if (!items.contains(item.get())) {
                    items.add(item.get());
                }
            } while (take(' '));
            if (!expect(')')) {
                return null;
            }
            leave();
            return items;
        }

        ImapCommand status() {
            MailboxName mailbox = sp() ? mailbox() : null;
            List<StatusItem> items = mailbox != null && sp() ? statusItems() : null;
            return items != null && end() ? new ImapCommand.Status(tag, mailbox, items) : null;
        }

        /** A fully buffered APPEND (the reader streams messages; this serves direct callers and tests). */
        ImapCommand append() {
            MailboxName mailbox = sp() ? mailbox() : null;
            if (mailbox == null) {
                return null;
            }
            List<ImapCommand.AppendMessage> messages = new ArrayList<>();
            do {
                if (messages.size() >= limits.maxMessagesPerAppend()) {
                    return fail(Refusal.TOO_MANY_MESSAGES);
                }
                MessageHead head = appendMessageHead();
                if (head == null) {
                    return null;
                }
                long size = head.message.size();
                if (!crlf() || end - pos < size) {
                    return fail(Refusal.SYNTAX);
                }
                pos += (int) size;
                messages.add(head.message);
            } while (!atEnd());
            return new ImapCommand.Append(tag, mailbox, messages);
        }

        /** {@code SP [flag-list SP] [date-time SP] literal-announcement}, bounded by APPENDLIMIT. */
        MessageHead appendMessageHead() {
            if (!sp()) {
                return null;
            }
            List<String> flags = List.of();
            if (peek() == '(') {
                flags = flagList();
                if (flags == null || !sp()) {
                    return null;
                }
            }
            OffsetDateTime date = null;
            if (peek() == '"') {
                byte[] raw = quoted();
                if (raw == null) {
                    return null;
                }
                Optional<OffsetDateTime> parsed = ImapDates.parseDateTime(new String(raw, StandardCharsets.US_ASCII));
                if (parsed.isEmpty()) {
                    return fail(Refusal.INVALID_DATE);
                }
                date = parsed.get();
                if (!sp()) {
                    return null;
                }
            }
            long size = literalAnnouncement(true);
            if (size < 0) {
                return null;
            }
            if (size > limits.maxAppendBytes()) {
                return fail(Refusal.MESSAGE_TOO_LARGE);
            }
            return new MessageHead(new ImapCommand.AppendMessage(flags, Optional.ofNullable(date), size,
                    lastLiteralBinary), lastLiteralSynchronizing);
        }

        ImapCommand id() {
            if (!sp()) {
                return null;
            }
            List<ImapCommand.IdField> fields = new ArrayList<>();
            if (peek() != '(') {
                return "NIL".equals(atomUpper()) && end() ? new ImapCommand.Id(tag, fields) : fail(Refusal.SYNTAX);
            }
            pos++;
            if (!enter()) {
                return null;
            }
            if (!take(')')) {
                do {
                    String name = text(string());
                    if (name == null || !sp()) {
                        return null;
                    }
                    byte[] value = nstring();
                    if (value == null) {
                        return null;
                    }
                    String v = value == NIL_MARKER ? null : text(value);
                    if (value != NIL_MARKER && v == null) {
                        return null;
                    }
                    // RFC 2971 §3.3: at most 30 pairs, names up to 30 octets, values up to 1024.
                    if (fields.size() >= 30 || octets(name) > 30 || (v != null && octets(v) > 1024)) {
                        return fail(Refusal.TOO_MANY_TOKENS);
                    }
                    fields.add(new ImapCommand.IdField(name, Optional.ofNullable(v)));
                } while (take(' '));
                if (!expect(')')) {
                    return null;
                }
            }
            leave();
            return end() ? new ImapCommand.Id(tag, fields) : null;
        }

        ImapCommand copyOrMove(boolean uid, boolean move) {
            SequenceSet set = sp() ? sequenceSet() : null;
            MailboxName target = set != null && sp() ? mailbox() : null;
            if (target == null || !end()) {
                return null;
            }
            return move ? new ImapCommand.Move(tag, uid, set, target) : new ImapCommand.Copy(tag, uid, set, target);
        }

        // ---------------------------------------------------------- STORE

        ImapCommand store(boolean uid) {
            SequenceSet set = sp() ? sequenceSet() : null;
            if (set == null || !sp()) {
                return null;
            }
            OptionalLong unchangedSince = OptionalLong.empty();
            if (peek() == '(') {
                pos++;
                if (!enter() || !"UNCHANGEDSINCE".equals(atomUpper()) || !sp()) {
                    return fail(Refusal.SYNTAX);
                }
                long modSeq = number64();
                if (modSeq < 0 || !expect(')') || !sp()) {
                    return null;
                }
                leave();
                unchangedSince = OptionalLong.of(modSeq);
            }
            ImapCommand.StoreMode mode = take('+') ? ImapCommand.StoreMode.ADD
                    : take('-') ? ImapCommand.StoreMode.REMOVE : ImapCommand.StoreMode.REPLACE;
            String item = atomUpper();
            boolean silent;
            if ("FLAGS".equals(item)) {
                silent = false;
            } else if ("FLAGS.SILENT".equals(item)) {
                silent = true;
            } else {
                return fail(Refusal.SYNTAX);
            }
            if (!sp()) {
                return null;
            }
            List<String> flags;
            if (peek() == '(') {
                flags = flagList();
                if (flags == null) {
                    return null;
                }
            } else {
                flags = new ArrayList<>();
                do {
                    String f = flag();
                    if (f == null) {
                        return null;
                    }
                    flags.add(f);
                } while (take(' '));
            }
            return end() ? new ImapCommand.Store(tag, uid, set, mode, silent, flags, unchangedSince) : null;
        }

        // ---------------------------------------------------------- FETCH

        ImapCommand fetch(boolean uid) {
            SequenceSet set = sp() ? sequenceSet() : null;
            if (set == null || !sp()) {
                return null;
            }
            List<FetchAttribute> attributes = new ArrayList<>();
            if (peek() == '(') {
                pos++;
                if (!enter()) {
                    return null;
                }
                do {
                    if (!fetchAttribute(attributes, false)) {
                        return null;
                    }
                } while (take(' '));
                if (!expect(')')) {
                    return null;
                }
                leave();
            } else if (!fetchAttribute(attributes, true)) {
                return null;
            }
            OptionalLong changedSince = OptionalLong.empty();
            boolean vanished = false;
            if (take(' ')) {
                if (!expect('(') || !enter()) {
                    return null;
                }
                do {
                    String modifier = atomUpper();
                    if ("CHANGEDSINCE".equals(modifier) && changedSince.isEmpty()) {
                        long modSeq = sp() ? number64() : -1;
                        if (modSeq < 0) {
                            return fail(Refusal.SYNTAX);
                        }
                        changedSince = OptionalLong.of(modSeq);
                    } else if ("VANISHED".equals(modifier) && !vanished) {
                        vanished = true;
                    } else {
                        return fail(Refusal.SYNTAX);
                    }
                } while (take(' '));
                if (!expect(')')) {
                    return null;
                }
                leave();
            }
            if (vanished && (!uid || changedSince.isEmpty())) {
                return fail(Refusal.SYNTAX); // RFC 7162 §3.2.6
            }
            return end() ? new ImapCommand.Fetch(tag, uid, set, attributes, changedSince, vanished) : null;
        }

        /** One fetch-att (or, when {@code macroAllowed}, ALL/FAST/FULL) appended to {@code out}. */
        boolean fetchAttribute(List<FetchAttribute> out, boolean macroAllowed) {
            int start = pos;
            while (pos < end && (isAlnum(b[pos]) || b[pos] == '.')) {
                pos++;
            }
            if (pos == start || !token()) {
                return fail(Refusal.SYNTAX) != null;
            }
            String name = ascii(start, pos).toUpperCase(Locale.ROOT);
            boolean bracket = peek() == '[';
            switch (name) {
                case "ALL", "FAST", "FULL" -> {
                    if (!macroAllowed) {
                        return fail(Refusal.SYNTAX) != null;
                    }
                    out.add(FetchAttribute.Simple.FLAGS);
                    out.add(FetchAttribute.Simple.INTERNALDATE);
                    out.add(FetchAttribute.Simple.RFC822_SIZE);
                    if (!name.equals("FAST")) {
                        out.add(FetchAttribute.Simple.ENVELOPE);
                    }
                    if (name.equals("FULL")) {
                        out.add(FetchAttribute.Simple.BODY);
                    }
                    return atDelimiter() || fail(Refusal.SYNTAX) != null;
                }
                case "BODY", "BODY.PEEK" -> {
                    if (!bracket) {
                        if (name.equals("BODY.PEEK")) {
                            return fail(Refusal.SYNTAX) != null;
                        }
                        out.add(FetchAttribute.Simple.BODY);
                        return atDelimiter() || fail(Refusal.SYNTAX) != null;
                    }
                    FetchAttribute.Section section = section();
                    if (section == null) {
                        return false;
                    }
                    FetchAttribute.Partial partial = null;
                    if (peek() == '<') {
                        partial = partial();
                        if (partial == null) {
                            return false;
                        }
                    }
                    out.add(new FetchAttribute.BodySection(section, name.equals("BODY.PEEK"), Optional.ofNullable(partial)));
                    return atDelimiter() || fail(Refusal.SYNTAX) != null;
                }
                case "BINARY", "BINARY.PEEK", "BINARY.SIZE" -> {
                    if (!bracket) {
                        return fail(Refusal.SYNTAX) != null;
                    }
                    pos++;
                    List<Integer> part = new ArrayList<>();
                    if (!take(']')) {
                        if (!sectionPart(part) || !expect(']')) {
                            return false;
                        }
                    }
                    if (name.equals("BINARY.SIZE")) {
                        out.add(new FetchAttribute.BinarySize(part));
                        return atDelimiter() || fail(Refusal.SYNTAX) != null;
                    }
                    FetchAttribute.Partial partial = null;
                    if (peek() == '<') {
                        partial = partial();
                        if (partial == null) {
                            return false;
                        }
                    }
                    out.add(new FetchAttribute.Binary(part, name.equals("BINARY.PEEK"), Optional.ofNullable(partial)));
                    return atDelimiter() || fail(Refusal.SYNTAX) != null;
                }
                default -> {
                    FetchAttribute.Simple simple = switch (name) {
                        case "FLAGS" -> FetchAttribute.Simple.FLAGS;
                        case "INTERNALDATE" -> FetchAttribute.Simple.INTERNALDATE;
                        case "RFC822.SIZE" -> FetchAttribute.Simple.RFC822_SIZE;
                        case "ENVELOPE" -> FetchAttribute.Simple.ENVELOPE;
                        case "BODYSTRUCTURE" -> FetchAttribute.Simple.BODYSTRUCTURE;
                        case "UID" -> FetchAttribute.Simple.UID;
                        case "MODSEQ" -> FetchAttribute.Simple.MODSEQ;
                        case "RFC822" -> FetchAttribute.Simple.RFC822;
                        case "RFC822.HEADER" -> FetchAttribute.Simple.RFC822_HEADER;
                        case "RFC822.TEXT" -> FetchAttribute.Simple.RFC822_TEXT;
                        default -> null;
                    };
                    if (simple == null || !atDelimiter()) {
                        return fail(Refusal.SYNTAX) != null;
                    }
                    out.add(simple);
                    return true;
                }
            }
        }

        /** {@code "[" [section-spec] "]"}. */
        FetchAttribute.Section section() {
            if (!expect('[')) {
                return null;
            }
            if (take(']')) {
                return FetchAttribute.Section.WHOLE;
            }
            List<Integer> part = new ArrayList<>();
            if (ImapSyntax.isDigit(peek())) {
                if (!sectionPart(part)) {
                    return null;
                }
                if (take(']')) {
                    return new FetchAttribute.Section(part, FetchAttribute.SectionText.NONE, List.of());
                }
                if (!expect('.')) {
                    return null;
                }
            }
            int start = pos;
            while (pos < end && (isAlnum(b[pos]) || b[pos] == '.')) {
                pos++;
            }
            if (!token()) {
                return null;
            }
            String text = ascii(start, pos).toUpperCase(Locale.ROOT);
            FetchAttribute.SectionText kind = switch (text) {
                case "HEADER" -> FetchAttribute.SectionText.HEADER;
                case "HEADER.FIELDS" -> FetchAttribute.SectionText.HEADER_FIELDS;
                case "HEADER.FIELDS.NOT" -> FetchAttribute.SectionText.HEADER_FIELDS_NOT;
                case "TEXT" -> FetchAttribute.SectionText.TEXT;
                case "MIME" -> part.isEmpty() ? null : FetchAttribute.SectionText.MIME;
                default -> null;
            };
            if (kind == null) {
                return fail(Refusal.SYNTAX);
            }
            List<String> fields = new ArrayList<>();
            if (kind == FetchAttribute.SectionText.HEADER_FIELDS || kind == FetchAttribute.SectionText.HEADER_FIELDS_NOT) {
                if (!sp() || !expect('(') || !enter()) {
                    return null;
                }
                do {
                    byte[] field = astring();
                    if (field == null) {
                        return null;
                    }
                    if (!isFieldName(field)) {
                        return fail(Refusal.SYNTAX);
                    }
                    fields.add(new String(field, StandardCharsets.US_ASCII));
                } while (take(' '));
                if (!expect(')')) {
                    return null;
                }
                leave();
            }
            if (!expect(']')) {
                return null;
            }
            return new FetchAttribute.Section(part, kind, fields);
        }

        /** {@code nz-number *("." nz-number)}, stopping before a "." that is not followed by a digit. */
        boolean sectionPart(List<Integer> part) {
            while (true) {
                int start = pos;
                long n = 0;
                while (pos < end && ImapSyntax.isDigit(b[pos]) && n <= Integer.MAX_VALUE) {
                    n = n * 10 + (b[pos] - '0');
                    pos++;
                }
                if (pos == start || n == 0 || n > Integer.MAX_VALUE || !token()) {
                    return fail(Refusal.SYNTAX) != null;
                }
                part.add((int) n);
                if (peek() == '.' && pos + 1 < end && ImapSyntax.isDigit(b[pos + 1])) {
                    pos++;
                    continue;
                }
                return true;
            }
        }

        /** {@code "<" number "." nz-number ">"}. */
        FetchAttribute.Partial partial() {
            if (!expect('<')) {
                return null;
            }
            long offset = partialNumber();
            if (offset < 0 || !expect('.')) {
                return null;
            }
            long length = partialNumber();
            if (length < 1 || !expect('>')) {
                return fail(Refusal.SYNTAX);
            }
            return new FetchAttribute.Partial(offset, length);
        }

        long partialNumber() {
            int start = pos;
            long n = 0;
            while (pos < end && ImapSyntax.isDigit(b[pos])) {
                if (n > (MAX_NUMBER64 - 9) / 10) {
                    return failNumber(Refusal.SYNTAX);
                }
                n = n * 10 + (b[pos] - '0');
                pos++;
            }
            return pos == start ? failNumber(Refusal.SYNTAX) : n;
        }

        // ---------------------------------------------------------- SEARCH and SORT

        ImapCommand search(boolean uid) {
            if (!sp()) {
                return null;
            }
            Optional<Set<ImapCommand.SearchReturn>> returns = Optional.empty();
            if (peekAtomUpper().equals("RETURN")) {
                skipAtom();
                Set<ImapCommand.SearchReturn> r = searchReturn();
                if (r == null || !sp()) {
                    return null;
                }
                returns = Optional.of(r);
            }
            Optional<String> charset = Optional.empty();
            if (peekAtomUpper().equals("CHARSET")) {
                skipAtom();
                String cs = sp() ? charset() : null;
                if (cs == null || !sp()) {
                    return null;
                }
                charset = Optional.of(cs);
            }
            SearchKey key = searchProgram();
            if (key == null || !end()) {
                return null;
            }
            return new ImapCommand.Search(tag, uid, charset, key, returns);
        }

        ImapCommand sort(boolean uid) {
            if (!sp()) {
                return null;
            }
            Optional<Set<ImapCommand.SearchReturn>> returns = Optional.empty();
            if (peekAtomUpper().equals("RETURN")) {
                skipAtom();
                Set<ImapCommand.SearchReturn> r = searchReturn();
                if (r == null || !sp()) {
                    return null;
                }
                returns = Optional.of(r);
            }
            if (!expect('(') || !enter()) {
                return null;
            }
            List<ImapCommand.SortCriterion> criteria = new ArrayList<>();
            do {
                String word = atomUpper();
                boolean reverse = false;
                if ("REVERSE".equals(word)) {
                    reverse = true;
                    word = sp() ? atomUpper() : null;
                }
                if (word == null) {
                    return null;
                }
                ImapCommand.SortKey key = enumConstant(ImapCommand.SortKey.class, word);
                if (key == null) {
                    return fail(Refusal.SYNTAX);
                }
                criteria.add(new ImapCommand.SortCriterion(key, reverse));
            } while (take(' '));
            if (!expect(')')) {
                return null;
            }
            leave();
            String charset = sp() ? charset() : null;
            if (charset == null || !sp()) {
                return null;
            }
            SearchKey key = searchProgram();
            if (key == null || !end()) {
                return null;
            }
            return new ImapCommand.Sort(tag, uid, criteria, charset, key, returns);
        }

        /** {@code SP "(" [option *(SP option)] ")"} after RETURN. */
        Set<ImapCommand.SearchReturn> searchReturn() {
            if (!sp() || !expect('(') || !enter()) {
                return null;
            }
            Set<ImapCommand.SearchReturn> options = EnumSet.noneOf(ImapCommand.SearchReturn.class);
            if (!take(')')) {
                do {
                    String word = atomUpper();
                    if (word == null) {
                        return null;
                    }
                    ImapCommand.SearchReturn option = enumConstant(ImapCommand.SearchReturn.class, word);
                    if (option == null) {
                        return fail(Refusal.SYNTAX);
                    }
                    options.add(option);
                } while (take(' '));
                if (!expect(')')) {
                    return null;
                }
            }
            leave();
            return options;
        }

        /** UTF-8 or US-ASCII, canonical spelling; anything else is NO [BADCHARSET]. */
        String charset() {
            String cs = astringText();
            if (cs == null) {
                return null;
            }
            return switch (cs.toUpperCase(Locale.ROOT)) {
                case "UTF-8", "UTF8" -> "UTF-8";
                case "US-ASCII", "ASCII" -> "US-ASCII";
                default -> fail(Refusal.BAD_CHARSET);
            };
        }

        /** {@code search-key *(SP search-key)} to the end of the command; one key alone stays itself. */
        SearchKey searchProgram() {
            List<SearchKey> keys = new ArrayList<>();
            do {
                SearchKey k = searchKey();
                if (k == null) {
                    return null;
                }
                keys.add(k);
            } while (take(' '));
            return keys.size() == 1 ? keys.getFirst() : new SearchKey.And(keys);
        }

        SearchKey searchKey() {
            int c = peek();
            if (c == '(') {
                pos++;
                if (!enter()) {
                    return null;
                }
                List<SearchKey> keys = new ArrayList<>();
                do {
                    SearchKey k = searchKey();
                    if (k == null) {
                        return null;
                    }
                    keys.add(k);
                } while (take(' '));
                if (!expect(')')) {
                    return null;
                }
                leave();
                return keys.size() == 1 ? keys.getFirst() : new SearchKey.And(keys);
            }
            if (ImapSyntax.isDigit(c) || c == '*' || c == '$') {
                SequenceSet set = sequenceSet();
                return set == null ? null : new SearchKey.SequenceNumbers(set);
            }
            String word = atomUpper();
            if (word == null) {
                return null;
            }
            return switch (word) {
                case "ALL" -> new SearchKey.All();
                case "ANSWERED" -> new SearchKey.Flag("\\Answered");
                case "DELETED" -> new SearchKey.Flag("\\Deleted");
                case "DRAFT" -> new SearchKey.Flag("\\Draft");
                case "FLAGGED" -> new SearchKey.Flag("\\Flagged");
                case "SEEN" -> new SearchKey.Flag("\\Seen");
                case "RECENT" -> new SearchKey.Flag("\\Recent");
                case "UNANSWERED" -> new SearchKey.Not(new SearchKey.Flag("\\Answered"));
                case "UNDELETED" -> new SearchKey.Not(new SearchKey.Flag("\\Deleted"));
                case "UNDRAFT" -> new SearchKey.Not(new SearchKey.Flag("\\Draft"));
                case "UNFLAGGED" -> new SearchKey.Not(new SearchKey.Flag("\\Flagged"));
                case "UNSEEN" -> new SearchKey.Not(new SearchKey.Flag("\\Seen"));
                case "NEW" -> new SearchKey.And(List.of(new SearchKey.Flag("\\Recent"),
                        new SearchKey.Not(new SearchKey.Flag("\\Seen"))));
                case "OLD" -> new SearchKey.Not(new SearchKey.Flag("\\Recent"));
                case "KEYWORD", "UNKEYWORD" -> {
                    String keyword = sp() ? atom() : null;
                    if (keyword == null) {
                        yield null;
                    }
                    SearchKey k = new SearchKey.Flag(keyword);
                    yield word.equals("KEYWORD") ? k : new SearchKey.Not(k);
                }
                case "BCC" -> text(SearchKey.TextField.BCC);
                case "BODY" -> text(SearchKey.TextField.BODY);
                case "CC" -> text(SearchKey.TextField.CC);
                case "FROM" -> text(SearchKey.TextField.FROM);
                case "SUBJECT" -> text(SearchKey.TextField.SUBJECT);
                case "TEXT" -> text(SearchKey.TextField.TEXT);
                case "TO" -> text(SearchKey.TextField.TO);
                case "BEFORE" -> date(SearchKey.DateField.INTERNAL, SearchKey.DateComparison.BEFORE);
                case "ON" -> date(SearchKey.DateField.INTERNAL, SearchKey.DateComparison.ON);
                case "SINCE" -> date(SearchKey.DateField.INTERNAL, SearchKey.DateComparison.SINCE);
                case "SENTBEFORE" -> date(SearchKey.DateField.SENT, SearchKey.DateComparison.BEFORE);
                case "SENTON" -> date(SearchKey.DateField.SENT, SearchKey.DateComparison.ON);
                case "SENTSINCE" -> date(SearchKey.DateField.SENT, SearchKey.DateComparison.SINCE);
                case "HEADER" -> {
                    byte[] field = sp() ? astring() : null;
                    if (field == null) {
                        yield null;
                    }
                    if (!isFieldName(field)) {
                        yield fail(Refusal.SYNTAX);
                    }
                    String value = sp() ? astringText() : null;
                    yield value == null ? null : new SearchKey.Header(new String(field, StandardCharsets.US_ASCII), value);
                }
                case "LARGER", "SMALLER" -> {
                    long n = sp() ? number64() : -1;
                    yield n < 0 ? null : new SearchKey.Size(word.equals("LARGER"), n);
                }
                case "NOT" -> {
                    if (!sp() || !enter()) {
                        yield null;
                    }
                    SearchKey k = searchKey();
                    leave();
                    yield k == null ? null : new SearchKey.Not(k);
                }
                case "OR" -> {
                    if (!sp() || !enter()) {
                        yield null;
                    }
                    SearchKey left = searchKey();
                    SearchKey right = left != null && sp() ? searchKey() : null;
                    leave();
                    yield right == null ? null : new SearchKey.Or(left, right);
                }
                case "UID" -> {
                    SequenceSet set = sp() ? sequenceSet() : null;
                    yield set == null ? null : new SearchKey.Uids(set);
                }
                case "MODSEQ" -> modSeqKey();
                case "OLDER", "YOUNGER" -> {
                    long n = sp() ? nzNumber() : -1;
                    yield n < 0 ? null : new SearchKey.Within(word.equals("OLDER"), n);
                }
                default -> fail(Refusal.SYNTAX);
            };
        }

        SearchKey text(SearchKey.TextField field) {
            String value = sp() ? astringText() : null;
            return value == null ? null : new SearchKey.Text(field, value);
        }

        SearchKey date(SearchKey.DateField field, SearchKey.DateComparison comparison) {
            if (!sp()) {
                return null;
            }
            String text;
            if (peek() == '"') {
                byte[] raw = quoted();
                if (raw == null) {
                    return null;
                }
                text = new String(raw, StandardCharsets.ISO_8859_1);
            } else {
                text = atom();
                if (text == null) {
                    return null;
                }
            }
            Optional<LocalDate> date = ImapDates.parseDate(text);
            return date.isEmpty() ? fail(Refusal.INVALID_DATE) : new SearchKey.Date(field, comparison, date.get());
        }

        /** {@code MODSEQ [SP entry-name SP entry-type-req] SP mod-sequence-valzer}. */
        SearchKey modSeqKey() {
            if (!sp()) {
                return null;
            }
            Optional<String> entryName = Optional.empty();
            Optional<String> entryType = Optional.empty();
            if (peek() == '"') {
                String name = text(quoted());
                if (name == null || !sp()) {
                    return null;
                }
                String type = atom();
                if (type == null) {
                    return null;
                }
                type = type.toLowerCase(Locale.ROOT);
                if (!type.equals("priv") && !type.equals("shared") && !type.equals("all")) {
                    return fail(Refusal.SYNTAX);
                }
                if (!sp()) {
                    return null;
                }
                entryName = Optional.of(name);
                entryType = Optional.of(type);
            }
            long modSeq = number64();
            return modSeq < 0 ? null : new SearchKey.ModSeq(modSeq, entryName, entryType);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The canonical spelling of a system flag name given without its backslash, or null. */
    static String canonicalSystemFlag(String name) {
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "SEEN" -> "\\Seen";
            case "ANSWERED" -> "\\Answered";
            case "FLAGGED" -> "\\Flagged";
            case "DELETED" -> "\\Deleted";
            case "DRAFT" -> "\\Draft";
            case "RECENT" -> "\\Recent";
            default -> null;
        };
    }

    /** RFC 6154 attributes in their canonical spelling; others as sent. */
    static String canonicalSpecialUse(String attribute) {
        for (String known : List.of("\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash")) {
            if (known.equalsIgnoreCase(attribute)) {
                return known;
            }
        }
        return attribute;
    }

    /** A header field name: printable ASCII except colon (RFC 5322 ftext). */
    static boolean isFieldName(byte[] name) {
        if (name.length == 0 || name.length > 998) {
            return false;
        }
        for (byte x : name) {
            if (x < 33 || x > 126 || x == ':') {
                return false;
            }
        }
        return true;
    }

    static boolean isBase64(String s) {
        if (s.isEmpty() || s.length() % 4 != 0) {
            return false;
        }
        int padding = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '=') {
                padding++;
                if (i < s.length() - 2) {
                    return false;
                }
            } else if (padding > 0 || !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                    || c == '+' || c == '/')) {
                return false;
            }
        }
        return true;
    }

    private static int octets(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The constant named exactly {@code name}, or null. */
    private static <E extends Enum<E>> E enumConstant(Class<E> type, String name) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static boolean isAlnum(byte c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
    }
}
