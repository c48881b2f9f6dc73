package org.postern.auth.risk;

/** A place on Earth in decimal degrees (WGS 84), as an IP-to-location table gives it. */
public record GeoPoint(double latitude, double longitude) {
    public GeoPoint {
        if (!(latitude >= -90 && latitude <= 90)) {
            throw new IllegalArgumentException("latitude must be between -90 and 90, got " + latitude);
        }
        if (!(longitude >= -180 && longitude <= 180)) {
            throw new IllegalArgumentException("longitude must be between -180 and 180, got " + longitude);
        }
    }
}
