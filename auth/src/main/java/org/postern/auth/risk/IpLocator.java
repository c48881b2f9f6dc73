package org.postern.auth.risk;

import java.util.Optional;

/** Where an IP address probably is. Approximate by nature: a signal for risk checks, never proof. */
public interface IpLocator {
    /** The location of {@code ip} (an address literal), or empty when unknown or not an address; never throws. */
    Optional<GeoPoint> locate(String ip);
}
