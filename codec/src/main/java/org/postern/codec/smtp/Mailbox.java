package org.postern.codec.smtp;

import java.util.Optional;
import org.postern.model.EmailAddress;
import org.postern.model.InvalidInputException;

/**
 * An RFC 5321 Mailbox as the client wrote it, after parsing: the local part exactly as on the
 * wire (a dot-string, or a quoted-string with its quotes and backslashes) and the domain (a
 * domain name in the case sent, or an address literal in brackets). {@link #toString()} is
 * therefore a valid RFC 5321 mailbox again, suitable for relaying.
 *
 * <p>The codec only parses: whether the domain is hosted or the mailbox exists is the server's
 * question, usually asked through {@link #emailAddress()}.
 *
 * @param localPart the local part as sent (at most 64 octets)
 * @param domain the domain as sent, or an address literal such as {@code [192.0.2.1]}
 * @param addressLiteral whether {@code domain} is an address literal
 * @param utf8 whether the local part or domain holds non-ASCII (RFC 6531) characters
 */
public record Mailbox(String localPart, String domain, boolean addressLiteral, boolean utf8) {
    public Mailbox {
        if (localPart == null || localPart.isEmpty() || domain == null || domain.isEmpty()) {
            throw new IllegalArgumentException("a mailbox needs a local part and a domain");
        }
    }

    /** Whether the local part was sent as a quoted-string. */
    public boolean quoted() {
        return localPart.charAt(0) == '"';
    }

    /** The local part with quoting removed (the quoted-string's content, quoted-pairs resolved). */
    public String unquotedLocalPart() {
        if (!quoted()) {
            return localPart;
        }
        StringBuilder b = new StringBuilder(localPart.length());
        for (int i = 1; i < localPart.length() - 1; i++) {
            char c = localPart.charAt(i);
            if (c == '\\') {
                c = localPart.charAt(++i);
            }
            b.append(c);
        }
        return b.toString();
    }

    /**
     * This mailbox as a Postern {@link EmailAddress}, or empty when it cannot be one (an address
     * literal, a single-label domain, a quoted local part whose content is not a dot-atom). A
     * quoted local part whose content is a plain dot-atom ({@code "abc"@x}) is treated as the
     * unquoted form, as RFC 5321 §4.1.2 recommends.
     */
    public Optional<EmailAddress> emailAddress() {
        if (addressLiteral) {
            return Optional.empty();
        }
        try {
            return Optional.of(EmailAddress.parse(unquotedLocalPart() + "@" + domain));
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return localPart + "@" + domain;
    }
}
