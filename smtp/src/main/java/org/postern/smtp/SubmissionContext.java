package org.postern.smtp;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.postern.auth.audit.AuditLog;
import org.postern.auth.signin.ProtocolAuthenticator;
import org.postern.mail.directory.Directory;
import org.postern.mta.dkim.DkimSigning;
import org.postern.mta.intake.Intake;
import org.postern.mta.limits.ConnectionCounter;
import org.postern.mta.limits.KeyedRateLimiter;

/**
 * What a submission session may use, shared by the sessions of both submission listeners (so a
 * user's hourly budget and a client's connections count across 587 and 465). Credentials go
 * only to the identity authority's {@link ProtocolAuthenticator}.
 */
public record SubmissionContext(String hostname, SmtpSettings smtp, SubmissionSettings settings, Directory directory,
        Intake intake, ProtocolAuthenticator authenticator, AuditLog audit, InboundContext.Tls tls, Path spoolDir,
        Clock clock, ConnectionCounter connectionsPerIp, KeyedRateLimiter messagesPerUser, DkimSigning signing) {

    public SubmissionContext {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(smtp, "smtp");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(intake, "intake");
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(tls, "tls: submission is never offered without TLS");
        Objects.requireNonNull(spoolDir, "spoolDir");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(connectionsPerIp, "connectionsPerIp");
        Objects.requireNonNull(messagesPerUser, "messagesPerUser");
        Objects.requireNonNull(signing, "signing");
    }

    /** The shared counters built from the settings, with a bound on how many keys are tracked. */
    public static SubmissionContext create(String hostname, SmtpSettings smtp, SubmissionSettings settings,
            Directory directory, Intake intake, ProtocolAuthenticator authenticator, AuditLog audit,
            InboundContext.Tls tls, Path spoolDir, Clock clock, DkimSigning signing) {
        return new SubmissionContext(hostname, smtp, settings, directory, intake, authenticator, audit, tls, spoolDir,
                clock, new ConnectionCounter(smtp.maxConnectionsPerIp()),
                new KeyedRateLimiter(settings.messagesPerHourPerUser(), Duration.ofHours(1), 100_000, clock), signing);
    }
}
