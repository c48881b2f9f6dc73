package org.postern.imap;

/**
 * The commands-per-second bound of one session: a token bucket of {@code burst} commands refilled
 * at {@code perSecond}. A client over the rate is slowed down, not refused: its next command is
 * read only after the delay, so a flood costs the client time and the server one sleeping virtual
 * thread, and a well-behaved client's pipelined burst is never cut short.
 */
final class CommandPacer {
    private final double perSecond;
    private final double burst;
    private double tokens;
    private long last;

    CommandPacer(int perSecond, int burst, long nowNanos) {
        if (perSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be at least 1");
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    /** Takes one command's token; returns how long to wait before running it, in nanoseconds (0: at once). */
    long take(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - last) * perSecond / 1e9);
        last = nowNanos;
        tokens -= 1;
        if (tokens >= 0) {
            return 0;
        }
        return (long) Math.ceil(-tokens * 1e9 / perSecond);
    }
}
