package org.postern.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Sign-in and token settings from the configuration.
 *
 * @param geoipTable where the impossible-travel check finds locations, if anywhere
 */
public record IdentityConfig(Duration accessTokenLifetime, Duration refreshTokenLifetime, Duration sessionLifetime,
        Duration sessionStatusMaxAge, int signInLockAfter, Duration signInLockTime, Optional<Path> geoipTable) {

    public static final IdentityConfig DEFAULT = new IdentityConfig(Duration.ofMinutes(15), Duration.ofHours(168),
            Duration.ofHours(720), Duration.ofSeconds(30), 10, Duration.ofMinutes(15), Optional.empty());
}
