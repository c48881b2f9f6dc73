package org.postern.smtp;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.postern.mail.directory.Directory;
import org.postern.mta.checks.SenderAuthentication;
import org.postern.mta.intake.Intake;
import org.postern.mta.limits.ConnectionCounter;
import org.postern.mta.limits.DomainRateLimits;
import org.postern.mta.limits.KeyedRateLimiter;

/**
 * What an inbound SMTP session may use: shared by every session of one listener. The rate
 * limiters and counters are shared so limits hold across connections.
 */
public record InboundContext(String hostname, SmtpSettings settings, long maxMessageBytes, Directory directory,
        Intake intake, SenderAuthentication senderAuthentication, Optional<Tls> tls, Path spoolDir, Clock clock,
        ConnectionCounter connectionsPerIp, KeyedRateLimiter messagesPerIp, KeyedRateLimiter recipientsPerIp,
        DomainRateLimits messagesPerDomain) {

    /** TLS for STARTTLS: the context and the parameters (protocols, suites) every handshake uses. */
    public record Tls(SSLContext context, SSLParameters parameters) {
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

    public InboundContext {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(intake, "intake");
        Objects.requireNonNull(senderAuthentication, "senderAuthentication");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(spoolDir, "spoolDir");
        Objects.requireNonNull(clock, "clock");
    }

    /** The limiters built from {@code settings}, with a bound on how many client addresses are tracked. */
    public static InboundContext create(String hostname, SmtpSettings settings, long maxMessageBytes, Directory directory,
            Intake intake, SenderAuthentication senderAuthentication, Optional<Tls> tls, Path spoolDir, Clock clock) {
        java.time.Duration minute = java.time.Duration.ofMinutes(1);
        int tracked = 100_000;
        return new InboundContext(hostname, settings, maxMessageBytes, directory, intake, senderAuthentication, tls,
                spoolDir, clock, new ConnectionCounter(settings.maxConnectionsPerIp()),
                new KeyedRateLimiter(settings.messagesPerMinutePerIp(), minute, tracked, clock),
                new KeyedRateLimiter(settings.recipientsPerMinutePerIp(), minute, tracked, clock),
                new DomainRateLimits(settings.messagesPerMinutePerDomain(), settings.messagesPerMinuteByDomain(), tracked,
                        clock));
    }
}
