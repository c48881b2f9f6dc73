package org.postern.mta.outbound;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * The optional smarthost: every remote recipient without a routing override goes to {@code hop},
 * always over STARTTLS with the certificate verified by {@code trust} (the JDK's roots, or the
 * operator's CA for the relay), signed in with the current credentials when there are any.
 */
public record Relay(NextHop hop, SSLContext trust, Supplier<Optional<RelayCredentials>> credentials) {
    public Relay {
        Objects.requireNonNull(hop, "hop");
        Objects.requireNonNull(trust, "trust");
        Objects.requireNonNull(credentials, "credentials");
    }
}
