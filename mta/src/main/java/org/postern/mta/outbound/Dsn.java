package org.postern.mta.outbound;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.postern.model.EmailAddress;

/**
 * A delivery status notification (RFC 3464): a {@code multipart/report} with a human-readable
 * part, a {@code message/delivery-status} part (one block per recipient: Final-Recipient,
 * Action, Status, Remote-MTA, Diagnostic-Code) and the original message's header section as
 * {@code text/rfc822-headers} (never its body). Remote servers' words reach it only as bounded,
 * printable one-line summaries.
 */
public final class Dsn {
    /** At most this much of the original header section is attached. */
    static final int MAX_ORIGINAL_HEADER_BYTES = 64 * 1024;
    private static final DateTimeFormatter RFC5322 =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Dsn() {}

    /** Failed: given up; delayed: still being retried. */
    public enum Action {
        FAILED, DELAYED;

        String field() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What happened to one recipient.
     * @param status RFC 3463 code, e.g. 5.1.1
     * @param remoteMta the host that answered, if any did
     * @param diagnostic the remote reply summary (or our reason), single-line
     */
    public record RecipientReport(EmailAddress recipient, Action action, String status, Optional<String> remoteMta,
            String diagnostic, boolean smtpDiagnostic, Instant lastAttempt) {
        public RecipientReport {
            Objects.requireNonNull(recipient, "recipient");
            Objects.requireNonNull(action, "action");
            if (status == null || !status.matches("[245]\\.[0-9]{1,3}\\.[0-9]{1,3}")) {
                throw new IllegalArgumentException("status must look like 5.1.1");
            }
            remoteMta = remoteMta.map(Dsn::oneLine);
            diagnostic = oneLine(diagnostic == null ? "" : diagnostic);
        }
    }

    /**
     * Builds the whole notification, CRLF line ends throughout.
     * @param original the queued message (only its header section is read, at most 64 KiB)
     */
    public static byte[] build(String reportingMta, EmailAddress sender, Instant arrival, Instant now,
            Optional<Instant> retryUntil, List<RecipientReport> reports, InputStream original, byte[] random)
            throws IOException {
        if (reports.isEmpty()) {
            throw new IllegalArgumentException("a DSN reports on at least one recipient");
        }
        boolean failed = reports.stream().anyMatch(r -> r.action() == Action.FAILED);
        String boundary = "=_postern-dsn-" + hex(random);
        String mtaName = oneLine(reportingMta);
        StringBuilder b = new StringBuilder(4096);
        header(b, "From", "Mail Delivery System <MAILER-DAEMON@" + mtaName + ">");
        header(b, "To", "<" + sender + ">");
        header(b, "Subject", failed ? "Undelivered Mail Returned to Sender" : "Delayed Mail (still being retried)");
        header(b, "Date", RFC5322.format(now));
        header(b, "Message-ID", "<dsn." + hex(random) + "@" + mtaName + ">");
        header(b, "Auto-Submitted", "auto-replied");
        header(b, "MIME-Version", "1.0");
        header(b, "Content-Type", "multipart/report; report-type=delivery-status; boundary=\"" + boundary + "\"");
        b.append("\r\n");
        b.append("This is a MIME-encapsulated message.\r\n\r\n");
        b.append("--").append(boundary).append("\r\n");
        header(b, "Content-Type", "text/plain; charset=utf-8");
        header(b, "Content-Description", "Notification");
        b.append("\r\n");
        b.append("This is the mail system at ").append(mtaName).append(".\r\n\r\n");
        b.append(failed ? "Your message could not be delivered to one or more recipients. It has been given up on.\r\n"
                : "Your message has not yet been delivered to one or more recipients. Delivery will be retried"
                        + retryUntil.map(t -> " until " + RFC5322.format(t)).orElse("") + "; you need not resend it.\r\n");
        b.append("\r\n");
        for (RecipientReport r : reports) {
            b.append("<").append(r.recipient()).append(">: ").append(r.diagnostic()).append("\r\n");
        }
        b.append("\r\n--").append(boundary).append("\r\n");
        header(b, "Content-Type", "message/delivery-status");
        header(b, "Content-Description", "Delivery report");
        b.append("\r\n");
        header(b, "Reporting-MTA", "dns; " + mtaName);
        header(b, "Arrival-Date", RFC5322.format(arrival));
        for (RecipientReport r : reports) {
            b.append("\r\n");
            header(b, "Final-Recipient", "rfc822; " + r.recipient());
            header(b, "Action", r.action().field());
            header(b, "Status", r.status());
            r.remoteMta().ifPresent(m -> header(b, "Remote-MTA", "dns; " + m));
            header(b, "Diagnostic-Code", (r.smtpDiagnostic() ? "smtp; " : "x-postern; ") + r.diagnostic());
            header(b, "Last-Attempt-Date", RFC5322.format(r.lastAttempt()));
            if (r.action() == Action.DELAYED) {
                retryUntil.ifPresent(t -> header(b, "Will-Retry-Until", RFC5322.format(t)));
            }
        }
        b.append("\r\n--").append(boundary).append("\r\n");
        header(b, "Content-Type", "text/rfc822-headers");
        header(b, "Content-Transfer-Encoding", "8bit");
        header(b, "Content-Description", "Undelivered message headers");
        b.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length() + 8192);
        out.writeBytes(b.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(originalHeader(original, boundary));
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /**
     * The original header section up to its blank line, at most 64 KiB and cut at the last whole
     * line; every line end made CRLF, NULs dropped, and a line that could end our MIME part
     * ({@code --boundary}) defused with a leading space.
     */
    static byte[] originalHeader(InputStream original, String boundary) throws IOException {
        byte[] head = original.readNBytes(MAX_ORIGINAL_HEADER_BYTES + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length + 64);
        int limit = Math.min(head.length, MAX_ORIGINAL_HEADER_BYTES);
        int start = 0;
        while (start < limit) {
            int end = start;
            while (end < limit && head[end] != '\n' && head[end] != '\r') {
                end++;
            }
            if (end == limit && head.length > MAX_ORIGINAL_HEADER_BYTES) {
                break; // a partial last line: dropped
            }
            if (end == start) {
                break; // the blank line that ends the header section
            }
            String line = new String(head, start, end - start, StandardCharsets.UTF_8).replace("\0", "");
            if (line.startsWith("--" + boundary)) {
                line = " " + line;
            }
            out.writeBytes(line.getBytes(StandardCharsets.UTF_8));
            out.writeBytes(new byte[] {'\r', '\n'});
            if (end < limit && head[end] == '\r' && end + 1 < limit && head[end + 1] == '\n') {
                end++;
            }
            start = end + 1;
        }
        return out.toByteArray();
    }

    /** Printable, single-line, bounded: what a remote server said can never add a header or a part. */
    static String oneLine(String text) {
        StringBuilder sb = new StringBuilder(Math.min(text.length(), 500));
        for (int i = 0; i < text.length() && sb.length() < 500; i++) {
            char c = text.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return sb.toString().strip();
    }

    private static void header(StringBuilder b, String name, String value) {
        b.append(name).append(": ").append(value).append("\r\n");
    }

    private static String hex(byte[] random) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(random.length, 12); i++) {
            sb.append(String.format("%02x", random[i]));
        }
        return sb.toString();
    }

    /** The RFC 3463 status for a reply: its own enhanced code when it gave one, else the class's generic one. */
    static String status(org.postern.codec.smtp.RemoteReply reply) {
        return reply.enhancedCode().orElse(reply.code() / 100 + ".0.0");
    }
}
