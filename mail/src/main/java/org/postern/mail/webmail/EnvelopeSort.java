package org.postern.mail.webmail;

import java.util.Locale;
import org.postern.model.InvalidInputException;

/**
 * Orders of the envelope list. {@link #ARRIVAL} is an index walk (any mailbox size, stable
 * cursors); the others read the sealed summaries of the whole mailbox, so they are offered only
 * for mailboxes of at most {@link Webmail.Limits#maxSortMessages()} messages.
 */
public enum EnvelopeSort {
    ARRIVAL, DATE, FROM, SUBJECT;

    public static EnvelopeSort parse(String value) {
        for (EnvelopeSort s : values()) {
            if (s.name().toLowerCase(Locale.ROOT).equals(value)) {
                return s;
            }
        }
        throw new InvalidInputException("sort must be one of arrival, date, from, subject");
    }
}
