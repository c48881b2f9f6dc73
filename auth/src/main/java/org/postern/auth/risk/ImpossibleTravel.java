package org.postern.auth.risk;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether two sign-ins are too far apart for the time between them: the same account used in
 * Paris and, an hour later, in Sydney suggests a stolen credential. Distances under
 * {@value #MIN_DISTANCE_KM} km are ignored, since IP locations are that imprecise (a mobile
 * carrier's addresses may be placed at its head office).
 */
public final class ImpossibleTravel {
    /** A little faster than an airliner: anything quicker is not a person travelling. */
    public static final double DEFAULT_MAX_KMH = 900;
    public static final double MIN_DISTANCE_KM = 100;
    /** The mean Earth radius (IUGG). */
    static final double EARTH_RADIUS_KM = 6371.0088;

    private ImpossibleTravel() {}

    /** Great-circle distance (haversine) in kilometres. */
    public static double distanceKm(GeoPoint a, GeoPoint b) {
        double lat1 = Math.toRadians(a.latitude());
        double lat2 = Math.toRadians(b.latitude());
        double dLat = lat2 - lat1;
        double dLon = Math.toRadians(b.longitude() - a.longitude());
        double h = Math.pow(Math.sin(dLat / 2), 2) + Math.cos(lat1) * Math.cos(lat2) * Math.pow(Math.sin(dLon / 2), 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    /**
     * True when going from {@code from} at {@code fromAt} to {@code to} at {@code toAt} needs more
     * than {@code maxKmh}, for distances of {@value #MIN_DISTANCE_KM} km or more. The order of
     * the two instants does not matter.
     */
    public static boolean impossible(GeoPoint from, Instant fromAt, GeoPoint to, Instant toAt, double maxKmh) {
        if (!(maxKmh > 0) || Double.isInfinite(maxKmh)) {
            throw new IllegalArgumentException("maximum speed must be a positive number of km/h, got " + maxKmh);
        }
        double km = distanceKm(from, to);
        if (km < MIN_DISTANCE_KM) {
            return false;
        }
        double hours = Duration.between(fromAt, toAt).abs().toMillis() / 3_600_000.0;
        return hours == 0 || km / hours > maxKmh;
    }
}
