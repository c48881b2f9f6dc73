package org.postern.imap;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.postern.mail.mailbox.Mailboxes;

/** What every IMAP session of a server may use: the authenticator, the user's mailboxes, TLS and limits. */
public record ImapContext(String hostname, ImapSettings settings, ImapAuthenticator authenticator, Mailboxes mailboxes,
        Optional<Tls> tls, Clock clock) {

    /** TLS for STARTTLS and the implicit-TLS port: the context and the parameters every handshake uses. */
    public record Tls(SSLContext context, SSLParameters parameters) {
        public Tls {
            Objects.requireNonNull(context);
            Objects.requireNonNull(parameters);
        }
    }

    public ImapContext {
        Objects.requireNonNull(hostname);
        Objects.requireNonNull(settings);
        Objects.requireNonNull(authenticator);
        Objects.requireNonNull(mailboxes);
        Objects.requireNonNull(tls);
        Objects.requireNonNull(clock);
    }
}
