package org.postern.smtp;

import java.time.Duration;
import java.util.Map;

/**
 * The SMTP listener's limits, every one bounded and configurable.
 *
 * @param maxRecipients recipients per message (RCPT TO beyond it: 452 4.5.3)
 * @param maxConnections open SMTP connections in all (beyond it: 421 4.7.0)
 * @param maxConnectionsPerIp open connections from one client address
 * @param messagesPerMinutePerIp messages accepted per client address per minute
 * @param recipientsPerMinutePerIp recipients accepted per client address per minute
 * @param messagesPerMinutePerDomain messages accepted per hosted recipient domain per minute, all clients together
 * @param messagesPerMinuteByDomain domains with a rate of their own instead of the default (a tier)
 * @param idleTimeout silence allowed between commands
 * @param maxSessionTime longest a connection may stay open
 * @param recipientCheckTimeout longest a recipient lookup may take before the answer is 451 4.3.0
 * @param maxLineBytes longest command line, CRLF included
 * @param maxErrors bad commands allowed before the connection is closed
 */
public record SmtpSettings(int maxRecipients, int maxConnections, int maxConnectionsPerIp, int messagesPerMinutePerIp,
        int recipientsPerMinutePerIp, int messagesPerMinutePerDomain, Map<String, Integer> messagesPerMinuteByDomain,
        Duration idleTimeout, Duration maxSessionTime,
        Duration recipientCheckTimeout, int maxLineBytes, int maxErrors) {

    public SmtpSettings {
        messagesPerMinuteByDomain = Map.copyOf(messagesPerMinuteByDomain);
    }

    public static final SmtpSettings DEFAULT = new SmtpSettings(100, 1000, 20, 120, 600, 1200, Map.of(), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofSeconds(5), 2048, 10);
}
