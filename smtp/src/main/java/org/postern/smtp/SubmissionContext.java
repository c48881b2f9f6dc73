package org.postern.smtp;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import org.postern.auth.audit.AuditLog;
import org.postern.auth.signin.ProtocolAuthenticator;
import org.postern.mta.limits.ConnectionCounter;
import org.postern.mta.submission.Submitter;

/**
 * What a submission session may use, shared by the sessions of both submission listeners (so a
 * client's connections count across 587 and 465). Every message goes through the one
 * {@link Submitter}, which the JSON API shares, so a user's hourly budget counts across both.
 * Credentials go only to the identity authority's {@link ProtocolAuthenticator}.
 */
public record SubmissionContext(String hostname, SmtpSettings smtp, SubmissionSettings settings, Submitter submitter,
        ProtocolAuthenticator authenticator, AuditLog audit, InboundContext.Tls tls, Path spoolDir, Clock clock,
        ConnectionCounter connectionsPerIp) {

    public SubmissionContext {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(smtp, "smtp");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(submitter, "submitter");
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(tls, "tls: submission is never offered without TLS");
        Objects.requireNonNull(spoolDir, "spoolDir");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(connectionsPerIp, "connectionsPerIp");
    }

    /** The shared connection counter built from the settings. */
    public static SubmissionContext create(String hostname, SmtpSettings smtp, SubmissionSettings settings,
            Submitter submitter, ProtocolAuthenticator authenticator, AuditLog audit, InboundContext.Tls tls,
            Path spoolDir, Clock clock) {
        return new SubmissionContext(hostname, smtp, settings, submitter, authenticator, audit, tls, spoolDir, clock,
                new ConnectionCounter(smtp.maxConnectionsPerIp()));
    }
}
