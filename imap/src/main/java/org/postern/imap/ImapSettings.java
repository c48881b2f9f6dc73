package org.postern.imap;

import java.time.Duration;
import java.util.Objects;
import org.postern.codec.imap.ImapLimits;

/**
 * The IMAP listeners' limits.
 *
 * @param maxConnections open IMAP connections in all, both ports (beyond it: {@code * BYE} and close)
 * @param maxConnectionsPerIp open connections from one client address
 * @param preAuthTimeout how long a connection may stay unauthenticated in all (Dovecot's login
 *     process is as impatient): a slow client costs little
 * @param idleTimeout silence allowed from an authenticated client (RFC 9051 §5.4: at least 30 min)
 * @param maxBadCommands refused commands allowed per connection before it is closed
 * @param limits the codec's bounds after authentication ({@code maxAppendBytes} is APPENDLIMIT)
 * @param unsafePlaintextLoginOnLoopback allow LOGIN and AUTHENTICATE without TLS from a loopback
 *     address: for tests only, never in production (the password crosses in the clear)
 * @param quotaBytes the storage each user may hold (QUOTA reports it, APPEND enforces it); 0 for none
 * @param commandsPerSecond commands one session may run per second once its burst is spent (beyond
 *     it the session waits before reading the next command)
 * @param commandBurst commands a session may send at once before the rate applies
 * @param idleKeepalive how often an IDLE with nothing to report says {@code * OK Still here}
 */
public record ImapSettings(int maxConnections, int maxConnectionsPerIp, Duration preAuthTimeout, Duration idleTimeout,
        int maxBadCommands, ImapLimits limits, boolean unsafePlaintextLoginOnLoopback, long quotaBytes, int commandsPerSecond,
        int commandBurst, Duration idleKeepalive) {

    public ImapSettings {
        Objects.requireNonNull(preAuthTimeout);
        Objects.requireNonNull(idleTimeout);
        Objects.requireNonNull(limits);
        Objects.requireNonNull(idleKeepalive);
        if (idleKeepalive.isNegative() || idleKeepalive.isZero()) {
            throw new IllegalArgumentException("the IDLE keep-alive interval must be positive");
        }
        if (maxConnections < 1 || maxConnectionsPerIp < 1 || maxBadCommands < 1) {
            throw new IllegalArgumentException("IMAP connection and error limits must be at least 1");
        }
        if (commandsPerSecond < 1 || commandBurst < 1) {
            throw new IllegalArgumentException("the command rate and burst must be at least 1");
        }
        if (quotaBytes < 0) {
            throw new IllegalArgumentException("a quota cannot be negative");
        }
    }

    /**
     * 2000 connections, 50 per address, 60 s to log in, 30 min idle, 10 bad commands, the codec's
     * defaults, no quota, 200 commands per second after a burst of 500 (a sync client pipelining
     * flag changes stays well inside), an IDLE keep-alive every 2 min (as Dovecot).
     */
    public static ImapSettings defaults(long maxMessageBytes) {
        return new ImapSettings(2000, 50, Duration.ofSeconds(60), Duration.ofMinutes(30), 10,
                ImapLimits.defaults().withMaxAppendBytes(maxMessageBytes), false, 0, 200, 500,
                Duration.ofMinutes(2));
    }

    public ImapSettings withUnsafePlaintextLoginOnLoopback(boolean allow) {
        return new ImapSettings(maxConnections, maxConnectionsPerIp, preAuthTimeout, idleTimeout, maxBadCommands, limits,
                allow, quotaBytes, commandsPerSecond, commandBurst,
                idleKeepalive);
    }

    public ImapSettings withIdleKeepalive(Duration interval) {
        return new ImapSettings(maxConnections, maxConnectionsPerIp, preAuthTimeout, idleTimeout, maxBadCommands, limits,
                unsafePlaintextLoginOnLoopback, quotaBytes, commandsPerSecond, commandBurst, interval);
    }

    public ImapSettings withQuotaBytes(long bytes) {
        return new ImapSettings(maxConnections, maxConnectionsPerIp, preAuthTimeout, idleTimeout, maxBadCommands, limits,
                unsafePlaintextLoginOnLoopback, bytes, commandsPerSecond, commandBurst, idleKeepalive);
    }

    /** The same settings with other connection limits (in all, and from one client address). */
    public ImapSettings withConnectionLimits(int total, int perIp) {
        return new ImapSettings(total, perIp, preAuthTimeout, idleTimeout, maxBadCommands, limits,
                unsafePlaintextLoginOnLoopback, quotaBytes, commandsPerSecond, commandBurst, idleKeepalive);
    }
}
