package org.postern.imap;

import java.util.Locale;
import java.util.Optional;
import org.postern.mail.mailbox.EnvelopeFields;

/**
 * The envelope header fields of a message (Date, Subject, From, Sender, Reply-To, To, Cc, Bcc,
 * In-Reply-To, Message-ID) from its stored, sealed summary instead of its decrypted body: what
 * ENVELOPE and header SEARCH keys need, at a fraction of the cost. The summary keeps the first
 * field of each name, unfolded, as {@link MessageParts#header} reads it; it is used only where the
 * two readings agree, so a summary marked malformed (clipped, or MIME that did not parse) or holding
 * a value with 8-bit or control characters (which the summary's parser decodes differently) is
 * refused, and the caller reads the message itself.
 */
final class SummaryHeaders {
    private final EnvelopeFields summary;

    private SummaryHeaders(EnvelopeFields summary) {
        this.summary = summary;
    }

    /** The headers of {@code summary}, or empty when it cannot stand in for the message (see above). */
    static Optional<SummaryHeaders> of(EnvelopeFields summary) {
        if (summary == null || summary.malformed()) {
            return Optional.empty();
        }
        for (String v : new String[] {summary.date(), summary.subject(), summary.from(), summary.sender(),
                summary.replyTo(), summary.to(), summary.cc(), summary.bcc(), summary.inReplyTo(), summary.messageId()}) {
            if (v != null && !printableAscii(v)) {
                return Optional.empty();
            }
        }
        return Optional.of(new SummaryHeaders(summary));
    }

    /** Whether the summary holds the field of this name (case-insensitive). */
    static boolean covers(String field) {
        return switch (field.toLowerCase(Locale.ROOT)) {
            case "date", "subject", "from", "sender", "reply-to", "to", "cc", "bcc", "in-reply-to", "message-id" -> true;
            default -> false;
        };
    }

    /** The unfolded value of the first field of that name, null when the message has none. */
    String get(String field) {
        return switch (field.toLowerCase(Locale.ROOT)) {
            case "date" -> summary.date();
            case "subject" -> summary.subject();
            case "from" -> summary.from();
            case "sender" -> summary.sender();
            case "reply-to" -> summary.replyTo();
            case "to" -> summary.to();
            case "cc" -> summary.cc();
            case "bcc" -> summary.bcc();
            case "in-reply-to" -> summary.inReplyTo();
            case "message-id" -> summary.messageId();
            default -> throw new IllegalArgumentException("not an envelope field: " + field);
        };
    }

    org.postern.codec.imap.ImapValue envelope() {
        return MessageParts.envelope(this::get);
    }

    private static boolean printableAscii(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if ((c < 0x20 && c != '\t') || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
