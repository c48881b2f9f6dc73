package org.postern.codec.smtp;

import java.util.Optional;

/**
 * One MAIL or RCPT parameter the codec does not interpret itself ({@code keyword[=value]},
 * RFC 5321 §4.1.2), kept for the session to act on. The keyword is upper-cased; the value is kept
 * exactly as sent (printable US-ASCII without {@code =} or space).
 */
public record EsmtpParameter(String keyword, Optional<String> value) {
    public EsmtpParameter {
        if (keyword == null || keyword.isEmpty() || !SmtpGrammar.isEsmtpKeyword(keyword)
                || !keyword.equals(keyword.toUpperCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("not an upper-case ESMTP keyword");
        }
        if (value == null || value.isPresent() && !SmtpGrammar.isEsmtpValue(value.get())) {
            throw new IllegalArgumentException("not an ESMTP parameter value");
        }
    }

    @Override
    public String toString() {
        return value.map(v -> keyword + "=" + v).orElse(keyword);
    }
}
