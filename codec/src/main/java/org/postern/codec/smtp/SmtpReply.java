package org.postern.codec.smtp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One SMTP reply: a three-digit code, an optional RFC 3463 enhanced status code repeated on every
 * line, and one or more lines of text. Validated at construction: the text may hold only printable
 * US-ASCII, so nothing a caller passes in can smuggle a CR or LF (reply injection) into the
 * stream, and every encoded line fits RFC 5321's 512 octets.
 *
 * <p>Reply texts are fixed and generic: the codec never echoes client input back.
 *
 * @param code 200..599 (1yz replies are not used by SMTP)
 * @param enhancedCode {@code class.subject.detail}, its class matching the code's first digit, or
 *     {@code null} (354 and EHLO lines carry none)
 * @param lines at least one line of text; a line may be empty
 */
public record SmtpReply(int code, String enhancedCode, List<String> lines) {

    /** RFC 5321 §4.5.3.1.5: a reply line, CRLF included, is at most 512 octets. */
    public static final int MAX_REPLY_LINE_BYTES = 512;

    private static final Pattern ENHANCED = Pattern.compile("[245]\\.[0-9]{1,3}\\.[0-9]{1,3}");

    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("SMTP reply code must be 200..599");
        }
        if (enhancedCode != null) {
            if (!ENHANCED.matcher(enhancedCode).matches()) {
                throw new IllegalArgumentException("enhanced status code must look like 5.1.3");
            }
            if (enhancedCode.charAt(0) - '0' != code / 100) {
                throw new IllegalArgumentException("enhanced status class must match the reply code");
            }
        }
        if (lines == null || lines.isEmpty()) {
            throw new IllegalArgumentException("an SMTP reply needs at least one line");
        }
        lines = List.copyOf(lines);
        int prefix = 4 + (enhancedCode == null ? 0 : enhancedCode.length() + 1);
        for (String line : lines) {
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c < 0x20 || c > 0x7e) {
                    throw new IllegalArgumentException(
                            "SMTP reply text may hold only printable US-ASCII (no CR, LF or controls)");
                }
            }
            if (prefix + line.length() + 2 > MAX_REPLY_LINE_BYTES) {
                throw new IllegalArgumentException("SMTP reply line longer than 512 octets");
            }
        }
    }

    public static SmtpReply of(int code, String enhancedCode, String... lines) {
        return new SmtpReply(code, enhancedCode, List.of(lines));
    }

    // Connection-level replies.
    public static final SmtpReply CLOSING = of(221, "2.0.0", "Bye");
    public static final SmtpReply READY_TO_START_TLS = of(220, "2.0.0", "Ready to start TLS");
    public static final SmtpReply SERVICE_UNAVAILABLE =
            of(421, "4.3.2", "Service not available, closing transmission channel");
    public static final SmtpReply TOO_MANY_ERRORS = of(421, "4.7.0", "Too many errors, closing connection");
    public static final SmtpReply TIMEOUT = of(421, "4.4.2", "Timeout, closing connection");

    // Positive replies.
    public static final SmtpReply OK = of(250, "2.0.0", "OK");
    public static final SmtpReply SENDER_OK = of(250, "2.1.0", "OK");
    public static final SmtpReply RECIPIENT_OK = of(250, "2.1.5", "OK");
    public static final SmtpReply START_MAIL_INPUT = of(354, null, "End data with <CR><LF>.<CR><LF>");
    public static final SmtpReply CANNOT_VRFY =
            of(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery");
    public static final SmtpReply HELP = of(214, "2.0.0", "See RFC 5321");
    public static final SmtpReply AUTH_SUCCEEDED = of(235, "2.7.0", "Authentication successful");

    // Syntax and sequence.
    public static final SmtpReply SYNTAX_ERROR = of(500, "5.5.2", "Syntax error, command unrecognized");
    public static final SmtpReply LINE_TOO_LONG = of(500, "5.5.2", "Line too long");
    public static final SmtpReply BARE_LF = of(500, "5.5.2", "Bare LF not allowed, lines end with CRLF");
    public static final SmtpReply ARGUMENT_SYNTAX = of(501, "5.5.4", "Syntax error in parameters or arguments");
    public static final SmtpReply BAD_SENDER_SYNTAX = of(501, "5.1.7", "Bad sender address syntax");
    public static final SmtpReply BAD_RECIPIENT_SYNTAX = of(501, "5.1.3", "Bad recipient address syntax");
    public static final SmtpReply BAD_BASE64 = of(501, "5.5.2", "Cannot decode Base64 response");
    public static final SmtpReply BDAT_SYNTAX_CLOSING =
            of(501, "5.5.4", "Syntax error in BDAT command, closing connection");
    public static final SmtpReply COMMAND_NOT_IMPLEMENTED = of(502, "5.5.1", "Command not implemented");
    public static final SmtpReply BAD_SEQUENCE = of(503, "5.5.1", "Bad sequence of commands");
    public static final SmtpReply PARAMETER_NOT_IMPLEMENTED = of(504, "5.5.4", "Command parameter not implemented");
    public static final SmtpReply AUTH_MECHANISM_UNSUPPORTED =
            of(504, "5.5.4", "Unrecognized authentication type");
    public static final SmtpReply PARAMETERS_NOT_RECOGNISED =
            of(555, "5.5.4", "MAIL FROM/RCPT TO parameters not recognized or not implemented");
    public static final SmtpReply PIPELINING_NOT_ALLOWED =
            of(554, "5.5.0", "Improper use of SMTP command pipelining, closing connection");

    // Transaction.
    public static final SmtpReply TOO_MANY_RECIPIENTS = of(452, "4.5.3", "Too many recipients");
    public static final SmtpReply MESSAGE_TOO_LARGE =
            of(552, "5.3.4", "Message size exceeds fixed maximum message size");
    public static final SmtpReply NON_ASCII_ADDRESS_NEEDS_SMTPUTF8 =
            of(553, "5.6.7", "Non-ASCII addresses not permitted without SMTPUTF8");
    /** After DATA held a bare CR or LF (the 2023 SMTP smuggling class); the code Exchange Online uses. */
    public static final SmtpReply BARE_LINE_ENDING_IN_DATA =
            of(550, "5.6.11", "Bare CR or LF in message data not allowed, lines end with CRLF");
    public static final SmtpReply TLS_REQUIRED = of(530, "5.7.0", "Must issue a STARTTLS command first");
    public static final SmtpReply AUTH_REQUIRED = of(530, "5.7.0", "Authentication required");
    public static final SmtpReply AUTH_FAILED = of(535, "5.7.8", "Authentication credentials invalid");
    public static final SmtpReply AUTH_CANCELLED = of(501, "5.7.0", "Authentication cancelled");

    // Replies that precede a forced close (the reader could not find the end within maxDiscardBytes).
    public static final SmtpReply LINE_TOO_LONG_CLOSING = of(500, "5.5.2", "Line too long, closing connection");
    public static final SmtpReply MESSAGE_TOO_LARGE_CLOSING =
            of(552, "5.3.4", "Message size exceeds fixed maximum message size, closing connection");
    public static final SmtpReply BARE_LINE_ENDING_CLOSING =
            of(550, "5.6.11", "Bare CR or LF in message data not allowed, closing connection");

    /** The 220 greeting: {@code 220 <serverName> ESMTP}. */
    public static SmtpReply greeting(String serverName) {
        return of(220, null, serverName + " ESMTP");
    }

    /** A SASL challenge line: {@code 334 <base64>} (empty challenge allowed). */
    public static SmtpReply authChallenge(String base64) {
        for (int i = 0; i < base64.length(); i++) {
            char c = base64.charAt(i);
            if (!Character.isLetterOrDigit(c) && c != '+' && c != '/' && c != '=' || c > 0x7e) {
                throw new IllegalArgumentException("SASL challenge must be Base64");
            }
        }
        return of(334, null, base64);
    }

    /** 2yz. */
    public boolean isPositive() {
        return code < 400;
    }

    /** 4yz: the client may try again later. */
    public boolean isTransientFailure() {
        return code / 100 == 4;
    }

    /** 5yz. */
    public boolean isPermanentFailure() {
        return code / 100 == 5;
    }

    /** The wire form: {@code 250-first\r\n250 last\r\n}, the enhanced code after the separator. */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * lines.size());
        for (int i = 0; i < lines.size(); i++) {
            StringBuilder b = new StringBuilder(64).append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (enhancedCode != null) {
                b.append(enhancedCode);
                if (!lines.get(i).isEmpty()) {
                    b.append(' ');
                }
            }
            b.append(lines.get(i)).append("\r\n");
            out.writeBytes(b.toString().getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    @Override
    public String toString() {
        String first = code + (enhancedCode == null ? "" : " " + enhancedCode) + " " + lines.getFirst();
        return lines.size() == 1 ? first : first + " (+" + (lines.size() - 1) + " lines)";
    }
}
