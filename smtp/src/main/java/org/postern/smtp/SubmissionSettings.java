package org.postern.smtp;

/**
 * Limits of the submission ports (587, 465) beyond those they share with the MX listener
 * (line length, idle and session time, errors, connections: {@link SmtpSettings}).
 *
 * @param maxMessageBytes largest message a user may send (SIZE; past it 552 5.3.4)
 * @param maxRecipients recipients per message (past it 452 4.5.3)
 * @param messagesPerHourPerUser messages one signed-in user may send per hour, on every connection
 *     and through the API together
 * @param sentCopy whether SMTP submission stores a copy in the sender's Sent mailbox (off for
 *     clients that APPEND their own; the API always stores one)
 */
public record SubmissionSettings(long maxMessageBytes, int maxRecipients, int messagesPerHourPerUser,
        boolean sentCopy) {
    public static final SubmissionSettings DEFAULT = new SubmissionSettings(10L * 1024 * 1024, 100, 200, true);

    public SubmissionSettings {
        if (maxMessageBytes < 1024 || maxRecipients < 1 || messagesPerHourPerUser < 1) {
            throw new IllegalArgumentException("submission limits must be positive");
        }
    }
}
