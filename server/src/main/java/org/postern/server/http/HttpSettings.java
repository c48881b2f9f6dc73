package org.postern.server.http;

import java.util.Objects;
import java.util.Set;

/**
 * Limits and policies of the HTTPS front end, already validated by the configuration loader.
 *
 * @param corsOrigins origins (scheme://host[:port]) allowed to call the API from a browser; empty for none
 * @param userRate sustained requests per second one signed-in user (or API token's user) may make
 * @param userBurst requests one user may make at once before the sustained rate applies
 * @param ipRate sustained requests per second from one client address
 * @param ipBurst requests at once from one client address
 * @param signInPerMinute sustained sign-in, refresh, recovery and invite attempts per minute from one address
 * @param signInBurst such attempts at once from one address
 */
public record HttpSettings(Set<String> corsOrigins, double userRate, int userBurst, double ipRate, int ipBurst,
        double signInPerMinute, int signInBurst) {

    public static final HttpSettings DEFAULT = new HttpSettings(Set.of(), 100, 50, 200, 100, 60, 30);

    public HttpSettings {
        corsOrigins = Set.copyOf(Objects.requireNonNull(corsOrigins, "corsOrigins"));
        if (!(userRate > 0) || !(ipRate > 0) || !(signInPerMinute > 0) || userBurst < 1 || ipBurst < 1 || signInBurst < 1) {
            throw new IllegalArgumentException("rates and bursts must be positive");
        }
    }
}
