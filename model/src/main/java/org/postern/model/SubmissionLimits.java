package org.postern.model;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What one user may send: the largest message, recipients per message and messages per hour. The
 * server's configuration gives the defaults; a tenant may override each one (see {@code TenantLimits}
 * in the store). The bounds are the same for both, so every limit stays bounded whoever sets it.
 *
 * @param maxMessageBytes largest message, in bytes ({@value #MIN_MESSAGE_BYTES} to {@value #MAX_MESSAGE_BYTES})
 * @param maxRecipients recipients per message (1 to {@value #MAX_RECIPIENTS})
 * @param messagesPerHour messages per hour per user, SMTP and API together (1 to {@value #MAX_MESSAGES_PER_HOUR})
 */
public record SubmissionLimits(long maxMessageBytes, int maxRecipients, int messagesPerHour) {
    public static final long MIN_MESSAGE_BYTES = 1024;
    public static final long MAX_MESSAGE_BYTES = 1024L * 1024 * 1024;
    public static final int MAX_RECIPIENTS = 10_000;
    public static final int MAX_MESSAGES_PER_HOUR = 1_000_000;

    public SubmissionLimits {
        checkMessageBytes("max_message_bytes", maxMessageBytes);
        checkRecipients("max_recipients", maxRecipients);
        checkMessagesPerHour("messages_per_hour", messagesPerHour);
    }

    /** These limits with each present override in place of the value here. */
    public SubmissionLimits with(OptionalLong messageBytes, OptionalInt recipients, OptionalInt perHour) {
        return new SubmissionLimits(messageBytes.orElse(maxMessageBytes), recipients.orElse(maxRecipients),
                perHour.orElse(messagesPerHour));
    }

    /** @throws InvalidInputException naming {@code field} when out of range */
    public static long checkMessageBytes(String field, long value) {
        if (value < MIN_MESSAGE_BYTES || value > MAX_MESSAGE_BYTES) {
            throw new InvalidInputException(field + " must be between " + MIN_MESSAGE_BYTES + " and "
                    + MAX_MESSAGE_BYTES);
        }
        return value;
    }

    /** @throws InvalidInputException naming {@code field} when out of range */
    public static int checkRecipients(String field, long value) {
        if (value < 1 || value > MAX_RECIPIENTS) {
            throw new InvalidInputException(field + " must be between 1 and " + MAX_RECIPIENTS);
        }
        return (int) value;
    }

    /** @throws InvalidInputException naming {@code field} when out of range */
    public static int checkMessagesPerHour(String field, long value) {
        if (value < 1 || value > MAX_MESSAGES_PER_HOUR) {
            throw new InvalidInputException(field + " must be between 1 and " + MAX_MESSAGES_PER_HOUR);
        }
        return (int) value;
    }
}
