package org.postern.mail.message;

import java.util.List;

/**
 * What Postern keeps from a message's content besides the raw bytes: the envelope headers (raw,
 * unfolded, exactly as IMAP ENVELOPE needs them) and an outline of its MIME parts. Stored sealed
 * under the owner's data key; it is as private as the message itself.
 *
 * @param malformed true when the MIME structure could not be fully parsed; the raw message is kept regardless
 */
public record MessageSummary(String date, String subject, String from, String sender, String replyTo, String to,
        String cc, String bcc, String inReplyTo, String messageId, List<Part> parts, boolean malformed) {

    public MessageSummary {
        parts = List.copyOf(parts);
    }

    /** One MIME part: its IMAP-style section path ("1", "2.1"; "" for a single-part body), type and size as transferred. */
    public record Part(String path, String mimeType, String disposition, String filename, long bytes) {}

    public boolean hasAttachments() {
        return parts.stream().anyMatch(p -> "attachment".equalsIgnoreCase(p.disposition()) || p.filename() != null);
    }
}
