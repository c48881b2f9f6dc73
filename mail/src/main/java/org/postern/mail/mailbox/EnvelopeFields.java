package org.postern.mail.mailbox;

import org.postern.mail.message.MessageSummary;

/**
 * The envelope header fields of a message as its stored summary keeps them (the first field of
 * each name, unfolded; null when absent), for IMAP's ENVELOPE and header SEARCH, and whether the
 * summary is marked malformed (then it may not match the raw message).
 */
public record EnvelopeFields(String date, String subject, String from, String sender, String replyTo, String to,
        String cc, String bcc, String inReplyTo, String messageId, boolean malformed) {

    public static EnvelopeFields of(MessageSummary s) {
        return new EnvelopeFields(s.date(), s.subject(), s.from(), s.sender(), s.replyTo(), s.to(), s.cc(), s.bcc(),
                s.inReplyTo(), s.messageId(), s.malformed());
    }
}
