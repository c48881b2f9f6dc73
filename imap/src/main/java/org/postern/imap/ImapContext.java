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

        /**
         * Turns an accepted connection into a server-side TLS one and completes the handshake, with
         * this deployment's context and parameters (protocols, ciphers) every time.
         */
        public javax.net.ssl.SSLSocket accept(java.net.Socket plain, String peer) throws java.io.IOException {
            javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) context.getSocketFactory()
                    .createSocket(plain, peer, plain.getPort(), true);
            ssl.setUseClientMode(false);
            ssl.setSSLParameters(parameters);
            ssl.startHandshake();
            return ssl;
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
