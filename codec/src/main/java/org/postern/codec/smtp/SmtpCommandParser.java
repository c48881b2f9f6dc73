package org.postern.codec.smtp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Turns one command line (as delivered by {@link SmtpLineReader}: without its CRLF) into an
 * {@link SmtpCommand} or the reply that refuses it. Stateless and side-effect free: it sees
 * only the bytes given and its limits; whether a command is allowed <em>now</em> (sequence,
 * TLS, authentication, hosted domains) is the session's business.
 *
 * <p>Rules, all failing closed with a fixed reply that never echoes the input:
 * <ul>
 *   <li>Verbs are case-insensitive and followed by exactly one space before arguments.</li>
 *   <li>Control characters (NUL, CR, LF, TAB, DEL, ...) anywhere: 500 5.5.2. Non-ASCII bytes:
 *       500 5.5.2, except inside the path of MAIL or RCPT, where valid UTF-8 is allowed (RFC 6531).</li>
 *   <li>Lines longer than {@code maxCommandLineBytes - 2} (AUTH: {@code maxAuthLineBytes - 2}): 500 5.5.2.</li>
 *   <li>Unknown verbs: 500 5.5.2; RFC verbs Postern does not implement (TURN, ETRN, ...): 502 5.5.1;
 *       HTTP verbs (GET, POST, HEAD, PUT, CONNECT): 500 and close, as Postfix's
 *       {@code smtpd_forbidden_commands} does against cross-protocol requests.</li>
 *   <li>MAIL/RCPT: {@code FROM:}/{@code TO:} then one optional space (the one leniency: real clients
 *       send {@code MAIL FROM: <x>}), then a bracketed path; bare addresses are refused. Bad path:
 *       501 5.1.7 (sender) or 501 5.1.3 (recipient). Unknown parameter: 555 5.5.4. Bad or repeated
 *       parameter: 501 5.5.4. Unknown BODY value: 504 5.5.4. SIZE above maxMessageBytes: 552 5.3.4.
 *       UTF-8 in the MAIL path without SMTPUTF8: 553 5.6.7; in RCPT it is accepted and flagged.</li>
 *   <li>A malformed BDAT line is refused with {@code closeConnection}: its chunk cannot be skipped.</li>
 * </ul>
 */
public final class SmtpCommandParser {

    private static final Set<String> NOT_IMPLEMENTED = Set.of("TURN", "ETRN", "ATRN", "SEND", "SOML", "SAML");
    private static final Set<String> FORBIDDEN = Set.of("GET", "POST", "HEAD", "PUT", "CONNECT");

    private final SmtpLimits limits;
    private final Set<String> extraMailParameters;
    private final Set<String> extraRcptParameters;

    /** A parser that accepts only the MAIL parameters it interprets (SIZE, BODY, SMTPUTF8) and no RCPT parameters. */
    public SmtpCommandParser(SmtpLimits limits) {
        this(limits, Set.of(), Set.of());
    }

    /**
     * A parser that also passes the named parameters through, uninterpreted, for the session to
     * handle (for example {@code RET}, {@code ENVID} on MAIL and {@code NOTIFY}, {@code ORCPT} on
     * RCPT once DSN is offered). Any other parameter is refused with 555.
     */
    public SmtpCommandParser(SmtpLimits limits, Set<String> extraMailParameters, Set<String> extraRcptParameters) {
        this.limits = Objects.requireNonNull(limits);
        this.extraMailParameters = upper(extraMailParameters);
        this.extraRcptParameters = upper(extraRcptParameters);
        for (String k : this.extraMailParameters) {
            if (k.equals("SIZE") || k.equals("BODY") || k.equals("SMTPUTF8")) {
                throw new IllegalArgumentException("SIZE, BODY and SMTPUTF8 are interpreted by the parser");
            }
        }
    }

    private static Set<String> upper(Set<String> keywords) {
        Set<String> out = new HashSet<>();
        for (String k : keywords) {
            if (!SmtpGrammar.isEsmtpKeyword(k)) {
                throw new IllegalArgumentException("not an ESMTP keyword");
            }
            out.add(k.toUpperCase(Locale.ROOT));
        }
        return Set.copyOf(out);
    }

    /** Parses a line delivered by {@link SmtpLineReader}. */
    public ParseResult parse(LineResult.Line line) {
        byte[] b = line.bytes();
        return parse(b, b.length);
    }

    /**
     * Parses the first {@code length} bytes of {@code line}, a command line without its CRLF.
     * Never throws for any content; only for a {@code length} outside the array.
     */
    public ParseResult parse(byte[] line, int length) {
        Objects.checkFromIndexSize(0, length, line.length);
        if (length == 0) {
            return reject(SmtpReply.SYNTAX_ERROR);
        }
        int sp = 0;
        while (sp < length && line[sp] != ' ') {
            sp++;
        }
        String verb = verb(line, sp);
        int max = ("AUTH".equals(verb) ? limits.maxAuthLineBytes() : limits.maxCommandLineBytes()) - 2;
        if (length > max) {
            return reject(SmtpReply.LINE_TOO_LONG);
        }
        boolean nonAscii = false;
        for (int i = 0; i < length; i++) {
            int c = line[i] & 0xff;
            if (c < 0x20 || c == 0x7f) {
                return reject(SmtpReply.SYNTAX_ERROR);
            }
            nonAscii |= c >= 0x80;
        }
        if (verb == null) {
            return reject(SmtpReply.SYNTAX_ERROR);
        }
        String text;
        if (nonAscii) {
            if (!verb.equals("MAIL") && !verb.equals("RCPT")) {
                return reject(SmtpReply.SYNTAX_ERROR);
            }
            try {
                text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(line, 0, length)).toString();
            } catch (CharacterCodingException e) {
                return reject(SmtpReply.SYNTAX_ERROR);
            }
        } else {
            text = SmtpGrammar.ascii(line, 0, length);
        }
        // The verb is ASCII, so its byte length is also its length in chars.
        String args = sp == length ? null : text.substring(sp + 1);
        return switch (verb) {
            case "EHLO" -> helo(args, true);
            case "HELO" -> helo(args, false);
            case "MAIL" -> mail(args);
            case "RCPT" -> rcpt(args);
            case "DATA" -> noArgs(args, new SmtpCommand.Data());
            case "BDAT" -> bdat(args);
            case "RSET" -> noArgs(args, new SmtpCommand.Rset());
            case "NOOP" -> parsed(new SmtpCommand.Noop());
            case "QUIT" -> noArgs(args, new SmtpCommand.Quit());
            case "HELP" -> parsed(new SmtpCommand.Help(Optional.ofNullable(args).filter(a -> !a.isEmpty())));
            case "VRFY" -> args == null || args.isEmpty() ? reject(SmtpReply.ARGUMENT_SYNTAX)
                    : parsed(new SmtpCommand.Vrfy(args));
            case "EXPN" -> args == null || args.isEmpty() ? reject(SmtpReply.ARGUMENT_SYNTAX)
                    : parsed(new SmtpCommand.Expn(args));
            case "STARTTLS" -> noArgs(args, new SmtpCommand.StartTls());
            case "AUTH" -> auth(args);
            default -> {
                if (FORBIDDEN.contains(verb)) {
                    yield new ParseResult.Rejected(SmtpReply.SYNTAX_ERROR, true);
                }
                yield reject(NOT_IMPLEMENTED.contains(verb) ? SmtpReply.COMMAND_NOT_IMPLEMENTED : SmtpReply.SYNTAX_ERROR);
            }
        };
    }

    /** The upper-cased verb if it is 1..12 ASCII letters, else null. */
    private static String verb(byte[] line, int end) {
        if (end == 0 || end > 12) {
            return null;
        }
        char[] v = new char[end];
        for (int i = 0; i < end; i++) {
            int c = line[i] & 0xff;
            if (!SmtpGrammar.isAlpha(c)) {
                return null;
            }
            v[i] = (char) (c & ~0x20);
        }
        return new String(v);
    }

    private static ParseResult parsed(SmtpCommand command) {
        return new ParseResult.Parsed(command);
    }

    private static ParseResult reject(SmtpReply reply) {
        return new ParseResult.Rejected(reply);
    }

    private static ParseResult noArgs(String args, SmtpCommand command) {
        return args == null ? parsed(command) : reject(SmtpReply.ARGUMENT_SYNTAX);
    }

    // EHLO / HELO ---------------------------------------------------------------------------------

    private static ParseResult helo(String args, boolean extended) {
        if (args == null || args.isEmpty() || args.indexOf(' ') >= 0) {
            return reject(SmtpReply.ARGUMENT_SYNTAX);
        }
        boolean ok;
        if (args.charAt(0) == '[') {
            ok = args.length() > 2 && args.charAt(args.length() - 1) == ']'
                    && SmtpGrammar.isAddressLiteralContent(args.substring(1, args.length() - 1));
        } else {
            // Leniency: underscores, which Windows host names carry and Postfix tolerates too.
            ok = SmtpGrammar.checkDomain(args, false, true) != 0;
        }
        if (!ok) {
            return reject(SmtpReply.ARGUMENT_SYNTAX);
        }
        return parsed(extended ? new SmtpCommand.Ehlo(args) : new SmtpCommand.Helo(args));
    }

    // MAIL / RCPT ---------------------------------------------------------------------------------

    private ParseResult mail(String args) {
        if (args == null || !args.regionMatches(true, 0, "FROM:", 0, 5)) {
            return reject(SmtpReply.ARGUMENT_SYNTAX);
        }
        PathScan path = scanPath(args, afterColon(args, 5), false);
        if (path == null) {
            return reject(SmtpReply.BAD_SENDER_SYNTAX);
        }
        List<EsmtpParameter> raw = new ArrayList<>();
        SmtpReply bad = scanParameters(args, path.end, raw);
        if (bad != null) {
            return reject(bad);
        }
        OptionalLong size = OptionalLong.empty();
        Optional<BodyType> body = Optional.empty();
        boolean smtpUtf8 = false;
        List<EsmtpParameter> others = new ArrayList<>();
        for (EsmtpParameter p : raw) {
            switch (p.keyword()) {
                case "SIZE" -> {
                    String v = p.value().orElse("");
                    if (v.isEmpty() || !allDigits(v)) {
                        return reject(SmtpReply.ARGUMENT_SYNTAX);
                    }
                    if (v.length() > 18 || Long.parseLong(v) > limits.maxMessageBytes()) {
                        return reject(SmtpReply.MESSAGE_TOO_LARGE);
                    }
                    size = OptionalLong.of(Long.parseLong(v));
                }
                case "BODY" -> {
                    if (p.value().isEmpty()) {
                        return reject(SmtpReply.ARGUMENT_SYNTAX);
                    }
                    body = switch (p.value().get().toUpperCase(Locale.ROOT)) {
                        case "7BIT" -> Optional.of(BodyType.SEVEN_BIT);
                        case "8BITMIME" -> Optional.of(BodyType.EIGHT_BIT_MIME);
                        case "BINARYMIME" -> Optional.of(BodyType.BINARY_MIME);
                        default -> null;
                    };
                    if (body == null) {
                        return reject(SmtpReply.PARAMETER_NOT_IMPLEMENTED);
                    }
                }
                case "SMTPUTF8" -> {
                    if (p.value().isPresent()) {
                        return reject(SmtpReply.ARGUMENT_SYNTAX);
                    }
                    smtpUtf8 = true;
                }
                default -> {
                    if (!extraMailParameters.contains(p.keyword())) {
                        return reject(SmtpReply.PARAMETERS_NOT_RECOGNISED);
                    }
                    others.add(p);
                }
            }
        }
        ReversePath reversePath;
        if (path.mailbox == null) {
            if (path.postmaster) {
                return reject(SmtpReply.BAD_SENDER_SYNTAX);
            }
            reversePath = new ReversePath.NullSender();
        } else {
            if (path.mailbox.utf8() && !smtpUtf8) {
                return reject(SmtpReply.NON_ASCII_ADDRESS_NEEDS_SMTPUTF8);
            }
            reversePath = new ReversePath.Sender(path.mailbox, path.raw);
        }
        return parsed(new SmtpCommand.MailFrom(reversePath, size, body, smtpUtf8, others));
    }

    private ParseResult rcpt(String args) {
        if (args == null || !args.regionMatches(true, 0, "TO:", 0, 3)) {
            return reject(SmtpReply.ARGUMENT_SYNTAX);
        }
        PathScan path = scanPath(args, afterColon(args, 3), true);
        if (path == null || (path.mailbox == null && !path.postmaster)) {
            return reject(SmtpReply.BAD_RECIPIENT_SYNTAX);
        }
        List<EsmtpParameter> params = new ArrayList<>();
        SmtpReply bad = scanParameters(args, path.end, params);
        if (bad != null) {
            return reject(bad);
        }
        for (EsmtpParameter p : params) {
            if (!extraRcptParameters.contains(p.keyword())) {
                return reject(SmtpReply.PARAMETERS_NOT_RECOGNISED);
            }
        }
        ForwardPath forwardPath = path.postmaster
                ? new ForwardPath.Postmaster(path.raw)
                : new ForwardPath.Recipient(path.mailbox, path.raw);
        return parsed(new SmtpCommand.RcptTo(forwardPath, params));
    }

    /** Skips the one space real clients put after {@code FROM:} / {@code TO:}. */
    private static int afterColon(String args, int p) {
        return p < args.length() && args.charAt(p) == ' ' ? p + 1 : p;
    }

    /** A scanned path; {@code mailbox} is null for {@code <>} and for {@code <Postmaster>}. */
    private record PathScan(int end, String raw, Mailbox mailbox, boolean postmaster) {}

    /**
     * Scans {@code "<" [A-d-l ":"] Mailbox ">"}, {@code "<>"} or (when {@code allowPostmaster})
     * {@code "<Postmaster>"} at {@code p}; null if it is not one.
     */
    private static PathScan scanPath(String s, int p, boolean allowPostmaster) {
        int n = s.length();
        if (p >= n || s.charAt(p) != '<') {
            return null;
        }
        int start = p++;
        if (p < n && s.charAt(p) == '>') {
            return new PathScan(p + 1, "<>", null, false);
        }
        // Source route (RFC 5321 §4.1.1.3, Appendix C): accepted, then ignored.
        boolean route = false;
        if (p < n && s.charAt(p) == '@') {
            route = true;
            while (true) {
                p++; // the '@' of this At-domain
                int domainStart = p;
                while (p < n && ",:>".indexOf(s.charAt(p)) < 0) {
                    p++;
                }
                if (p >= n || s.charAt(p) == '>'
                        || SmtpGrammar.checkDomain(s.substring(domainStart, p), true, false) == 0) {
                    return null;
                }
                char separator = s.charAt(p++);
                if (separator == ':') {
                    break;
                }
                if (p >= n || s.charAt(p) != '@') {
                    return null;
                }
            }
        }
        // Local part.
        int localStart = p;
        boolean utf8 = false;
        if (p < n && s.charAt(p) == '"') {
            p++;
            boolean closed = false;
            int contentChars = 0;
            while (p < n) {
                int c = s.codePointAt(p);
                if (c == '"') {
                    closed = true;
                    p++;
                    break;
                }
                if (c == '\\') {
                    if (p + 1 >= n || s.charAt(p + 1) < 32 || s.charAt(p + 1) > 126) {
                        return null;
                    }
                    p += 2;
                } else if (SmtpGrammar.isQtext(c)) {
                    p++;
                } else if (SmtpGrammar.isUtf8Text(c)) {
                    utf8 = true;
                    p += Character.charCount(c);
                } else {
                    return null;
                }
                contentChars++;
            }
            if (!closed || contentChars == 0) {
                return null;
            }
        } else {
            boolean atomStart = true;
            while (p < n) {
                int c = s.codePointAt(p);
                if (c == '.') {
                    if (atomStart) {
                        return null;
                    }
                    atomStart = true;
                    p++;
                } else if (SmtpGrammar.isAsciiAtext(c)) {
                    atomStart = false;
                    p++;
                } else if (SmtpGrammar.isUtf8Text(c)) {
                    utf8 = true;
                    atomStart = false;
                    p += Character.charCount(c);
                } else {
                    break;
                }
            }
            if (atomStart) {
                return null; // empty, or ends with a dot
            }
        }
        String local = s.substring(localStart, p);
        if (SmtpGrammar.utf8Length(local) > SmtpGrammar.MAX_LOCAL_PART_BYTES) {
            return null;
        }
        if (p < n && s.charAt(p) == '>' && allowPostmaster && !route && local.equalsIgnoreCase("postmaster")) {
            return new PathScan(p + 1, s.substring(start, p + 1), null, true);
        }
        if (p >= n || s.charAt(p) != '@') {
            return null;
        }
        p++;
        // Domain or address literal.
        int domainStart = p;
        boolean literal = false;
        if (p < n && s.charAt(p) == '[') {
            int close = s.indexOf(']', p);
            if (close < 0 || !SmtpGrammar.isAddressLiteralContent(s.substring(p + 1, close))) {
                return null;
            }
            literal = true;
            p = close + 1;
        } else {
            while (p < n && s.charAt(p) != '>') {
                p++;
            }
            int kind = SmtpGrammar.checkDomain(s.substring(domainStart, p), true, false);
            if (kind == 0) {
                return null;
            }
            utf8 |= kind == 2;
        }
        if (p >= n || s.charAt(p) != '>') {
            return null;
        }
        String raw = s.substring(start, p + 1);
        if (SmtpGrammar.utf8Length(raw) > SmtpGrammar.MAX_PATH_BYTES) {
            return null;
        }
        return new PathScan(p + 1, raw, new Mailbox(local, s.substring(domainStart, p), literal, utf8), false);
    }

    /**
     * Scans {@code *(SP esmtp-keyword ["=" esmtp-value])} from {@code p} to the end into
     * {@code out}; returns the refusal, or null when all is well.
     */
    private static SmtpReply scanParameters(String s, int p, List<EsmtpParameter> out) {
        int n = s.length();
        Set<String> seen = new HashSet<>();
        while (p < n) {
            if (s.charAt(p) != ' ') {
                return SmtpReply.ARGUMENT_SYNTAX;
            }
            p++;
            int end = s.indexOf(' ', p);
            if (end < 0) {
                end = n;
            }
            String param = s.substring(p, end);
            int eq = param.indexOf('=');
            String keyword = eq < 0 ? param : param.substring(0, eq);
            String value = eq < 0 ? null : param.substring(eq + 1);
            if (!SmtpGrammar.isEsmtpKeyword(keyword) || (value != null && !SmtpGrammar.isEsmtpValue(value))) {
                return SmtpReply.ARGUMENT_SYNTAX;
            }
            keyword = keyword.toUpperCase(Locale.ROOT);
            if (!seen.add(keyword)) {
                return SmtpReply.ARGUMENT_SYNTAX;
            }
            out.add(new EsmtpParameter(keyword, Optional.ofNullable(value)));
            p = end;
        }
        return null;
    }

    // BDAT / AUTH ---------------------------------------------------------------------------------

    private static ParseResult bdat(String args) {
        ParseResult closing = new ParseResult.Rejected(SmtpReply.BDAT_SYNTAX_CLOSING, true);
        if (args == null) {
            return closing;
        }
        int sp = args.indexOf(' ');
        String size = sp < 0 ? args : args.substring(0, sp);
        boolean last = false;
        if (sp >= 0) {
            if (!args.substring(sp + 1).equalsIgnoreCase("LAST")) {
                return closing;
            }
            last = true;
        }
        // 18 digits stay below Long.MAX_VALUE; anything larger could never be consumed anyway.
        if (size.isEmpty() || size.length() > 18 || !allDigits(size)) {
            return closing;
        }
        return parsed(new SmtpCommand.Bdat(Long.parseLong(size), last));
    }

    private static ParseResult auth(String args) {
        if (args == null || args.isEmpty()) {
            return reject(SmtpReply.ARGUMENT_SYNTAX);
        }
        int sp = args.indexOf(' ');
        String mechanism = sp < 0 ? args : args.substring(0, sp);
        if (mechanism.isEmpty() || mechanism.length() > 20) {
            return reject(SmtpReply.ARGUMENT_SYNTAX);
        }
        for (int i = 0; i < mechanism.length(); i++) {
            char c = mechanism.charAt(i);
            if (!(SmtpGrammar.isAlpha(c) || SmtpGrammar.isDigit(c) || c == '-' || c == '_')) {
                return reject(SmtpReply.ARGUMENT_SYNTAX);
            }
        }
        Optional<String> initial = Optional.empty();
        if (sp >= 0) {
            String response = args.substring(sp + 1);
            if (response.indexOf(' ') >= 0 || response.isEmpty()) {
                return reject(SmtpReply.ARGUMENT_SYNTAX);
            }
            if (!response.equals("=") && !isBase64(response)) {
                return reject(SmtpReply.BAD_BASE64);
            }
            initial = Optional.of(response);
        }
        return parsed(new SmtpCommand.Auth(mechanism.toUpperCase(Locale.ROOT), initial));
    }

    /** Strict RFC 4648 Base64: whole quanta, padding only at the end. */
    static boolean isBase64(String s) {
        int n = s.length();
        if (n == 0 || n % 4 != 0) {
            return false;
        }
        int pad = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
        for (int i = 0; i < n - pad; i++) {
            char c = s.charAt(i);
            if (!(SmtpGrammar.isAlpha(c) || SmtpGrammar.isDigit(c) || c == '+' || c == '/')) {
                return false;
            }
        }
        return true;
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!SmtpGrammar.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
