package org.postern.mta.dns;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The MTA-STS policy (RFC 8461) every hosted domain publishes: mode enforce, our host name as the
 * only MX, and a max_age. Its id (published in the {@code _mta-sts} TXT record) is derived from
 * the policy text, so it changes exactly when the policy does and senders fetch the new one.
 */
public record MtaStsPolicy(String mx, Duration maxAge) {
    /** One week: RFC 8461 §3.2 suggests weeks; long enough to protect, short enough to recover from a mistake. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(7);

    public MtaStsPolicy {
        Objects.requireNonNull(mx, "mx");
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative() || maxAge.getSeconds() > 31_557_600) {
            throw new IllegalArgumentException("max_age must be 0 to 31557600 seconds (RFC 8461 §3.2)");
        }
    }

    public static MtaStsPolicy forHost(String hostname) {
        return new MtaStsPolicy(hostname, DEFAULT_MAX_AGE);
    }

    /** The policy file served at {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}. */
    public String text() {
        return "version: STSv1\r\nmode: enforce\r\nmx: " + mx + "\r\nmax_age: " + maxAge.getSeconds() + "\r\n";
    }

    /** 1 to 32 alphanumerics (RFC 8461 §3.1): the first 20 hex digits of the policy text's SHA-256. */
    public String id() {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text().getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(hash).substring(0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }
}
