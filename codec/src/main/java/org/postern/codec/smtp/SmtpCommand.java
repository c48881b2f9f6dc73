package org.postern.codec.smtp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/** A parsed SMTP command line; every variant was validated by {@link SmtpCommandParser}. */
public sealed interface SmtpCommand {

    /** The command verb, upper case, for logs and counters (never the arguments). */
    default String verb() {
        return switch (this) {
            case Ehlo e -> "EHLO";
            case Helo h -> "HELO";
            case MailFrom m -> "MAIL";
            case RcptTo r -> "RCPT";
            case Data d -> "DATA";
            case Bdat b -> "BDAT";
            case Rset r -> "RSET";
            case Noop n -> "NOOP";
            case Quit q -> "QUIT";
            case Help h -> "HELP";
            case Vrfy v -> "VRFY";
            case Expn e -> "EXPN";
            case StartTls s -> "STARTTLS";
            case Auth a -> "AUTH";
        };
    }

    /** {@code EHLO} with a domain or an address literal ({@code [192.0.2.1]}, {@code [IPv6:...]}). */
    record Ehlo(String domainOrLiteral) implements SmtpCommand {}

    /** {@code HELO}, same argument syntax as EHLO. */
    record Helo(String domainOrLiteral) implements SmtpCommand {}

    /**
     * {@code MAIL FROM:<path> [params]}.
     *
     * @param size the declared {@code SIZE=} in bytes, already checked against maxMessageBytes
     * @param body the declared {@code BODY=}, empty meaning 7BIT
     * @param smtpUtf8 whether {@code SMTPUTF8} was given
     * @param otherParameters parameters the parser was told to pass through (e.g. DSN's RET, ENVID)
     */
    record MailFrom(ReversePath path, OptionalLong size, Optional<BodyType> body, boolean smtpUtf8,
            List<EsmtpParameter> otherParameters) implements SmtpCommand {
        public MailFrom {
            Objects.requireNonNull(path);
            Objects.requireNonNull(size);
            Objects.requireNonNull(body);
            otherParameters = List.copyOf(otherParameters);
        }
    }

    /**
     * {@code RCPT TO:<path> [params]}. A mailbox with non-ASCII characters is accepted and flagged
     * ({@link Mailbox#utf8()}): the session must refuse it with
     * {@link SmtpReply#NON_ASCII_ADDRESS_NEEDS_SMTPUTF8} unless the transaction's MAIL had SMTPUTF8.
     */
    record RcptTo(ForwardPath path, List<EsmtpParameter> parameters) implements SmtpCommand {
        public RcptTo {
            Objects.requireNonNull(path);
            parameters = List.copyOf(parameters);
        }
    }

    /** {@code DATA}. */
    record Data() implements SmtpCommand {}

    /** {@code BDAT <chunkBytes> [LAST]} (RFC 3030); the chunk follows the line immediately. */
    record Bdat(long chunkBytes, boolean last) implements SmtpCommand {
        public Bdat {
            if (chunkBytes < 0) {
                throw new IllegalArgumentException("BDAT chunk size must not be negative");
            }
        }
    }

    /** {@code RSET}. */
    record Rset() implements SmtpCommand {}

    /** {@code NOOP}; any argument is ignored, as RFC 5321 §4.1.1.9 allows. */
    record Noop() implements SmtpCommand {}

    /** {@code QUIT}. */
    record Quit() implements SmtpCommand {}

    /** {@code HELP [topic]}. */
    record Help(Optional<String> topic) implements SmtpCommand {}

    /** {@code VRFY <string>}; answer with {@link SmtpReply#CANNOT_VRFY}, never with what exists. */
    record Vrfy(String argument) implements SmtpCommand {}

    /** {@code EXPN <string>}. */
    record Expn(String argument) implements SmtpCommand {}

    /** {@code STARTTLS} (RFC 3207). */
    record StartTls() implements SmtpCommand {}

    /**
     * {@code AUTH <mechanism> [initial-response]} (RFC 4954). The mechanism is upper-cased and only
     * syntax-checked (the session answers {@link SmtpReply#AUTH_MECHANISM_UNSUPPORTED} for one it
     * does not offer). The initial response is syntactically valid Base64, or {@code "="} for an
     * empty one; it carries credentials, so {@link #toString()} never shows it.
     */
    record Auth(String mechanism, Optional<String> initialResponse) implements SmtpCommand {
        public Auth {
            Objects.requireNonNull(mechanism);
            Objects.requireNonNull(initialResponse);
        }

        @Override
        public String toString() {
            return "Auth[mechanism=" + mechanism + ", initialResponse="
                    + (initialResponse.isPresent() ? "[redacted]" : "none") + "]";
        }
    }
}
