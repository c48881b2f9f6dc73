package org.postern.codec.smtp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reply read from a remote SMTP server: untrusted, so only what {@link RemoteReplyReader} let
 * through (printable US-ASCII, bounded lines and line count).
 *
 * @param code 200..599
 * @param lines the text after the code on each line (may be empty)
 */
public record RemoteReply(int code, List<String> lines) {
    private static final Pattern ENHANCED = Pattern.compile("^([245]\\.[0-9]{1,3}\\.[0-9]{1,3})(?: |$)");
    /** How much of a reply is kept for logs, the queue and DSNs. */
    public static final int MAX_SUMMARY_CHARS = 400;

    public RemoteReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code must be 200..599");
        }
        lines = List.copyOf(Objects.requireNonNull(lines, "lines"));
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one line");
        }
    }

    public boolean positive() {
        return code < 400;
    }

    public boolean transientFailure() {
        return code >= 400 && code < 500;
    }

    public boolean permanentFailure() {
        return code >= 500;
    }

    /** The RFC 3463 enhanced status code of the first line, when the server gave one of the right class. */
    public Optional<String> enhancedCode() {
        Matcher m = ENHANCED.matcher(lines.getFirst());
        if (m.find() && m.group(1).charAt(0) - '0' == code / 100) {
            return Optional.of(m.group(1));
        }
        return Optional.empty();
    }

    /** One line, at most {@link #MAX_SUMMARY_CHARS}: the code and the lines joined by spaces. */
    public String summary() {
        StringBuilder sb = new StringBuilder().append(code);
        for (String l : lines) {
            sb.append(' ').append(l);
            if (sb.length() > MAX_SUMMARY_CHARS) {
                break;
            }
        }
        return sb.length() > MAX_SUMMARY_CHARS ? sb.substring(0, MAX_SUMMARY_CHARS) : sb.toString();
    }
}
