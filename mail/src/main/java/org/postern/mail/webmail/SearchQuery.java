package org.postern.mail.webmail;

import java.time.Instant;
import java.util.Optional;
import org.postern.model.AddressId;
import org.postern.model.InvalidInputException;
import org.postern.model.MailboxId;

/**
 * What to look for; every criterion given must match. Text criteria match case-insensitively
 * as substrings of the decoded header (from, to: To and Cc, subject) or of the body text.
 *
 * @param since arrived at or after; @param before arrived before
 */
public record SearchQuery(Optional<MailboxId> mailbox, Optional<String> from, Optional<String> to,
        Optional<String> subject, Optional<String> body, Optional<Instant> since, Optional<Instant> before,
        Optional<Boolean> hasAttachment, Optional<AddressId> arrivedOn) {
    public static final int MAX_TEXT_CHARS = 200;

    public SearchQuery {
        check("from", from);
        check("to", to);
        check("subject", subject);
        check("body", body);
        if (since.isPresent() && before.isPresent() && !since.get().isBefore(before.get())) {
            throw new InvalidInputException("since must be before before");
        }
        if (from.isEmpty() && to.isEmpty() && subject.isEmpty() && body.isEmpty() && since.isEmpty()
                && before.isEmpty() && hasAttachment.isEmpty() && arrivedOn.isEmpty()) {
            throw new InvalidInputException("give at least one search criterion");
        }
    }

    private static void check(String field, Optional<String> value) {
        if (value.isPresent() && (value.get().isBlank() || value.get().length() > MAX_TEXT_CHARS)) {
            throw new InvalidInputException(field + " must be 1 to " + MAX_TEXT_CHARS + " characters");
        }
    }
}
