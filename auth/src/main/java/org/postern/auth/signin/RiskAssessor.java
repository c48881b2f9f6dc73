package org.postern.auth.signin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.postern.access.Scope;
import org.postern.auth.risk.GeoPoint;
import org.postern.auth.risk.ImpossibleTravel;
import org.postern.auth.risk.IpLocator;
import org.postern.store.Repositories;
import org.postern.store.User;
import org.postern.store.identity.SignInRecord;

/**
 * Risk signals of a sign-in that got the password right: a device or source address never seen
 * for this account, and "impossible travel" (the previous sign-in was too far away for the time
 * between). A first sign-in has nothing to compare with and is not risky.
 */
public final class RiskAssessor {
    private final IpLocator locator;
    private final double maxKmh;

    public RiskAssessor(IpLocator locator, double maxKmh) {
        this.locator = locator;
        this.maxKmh = maxKmh;
    }

    public record Risk(boolean newDevice, boolean newIp, boolean impossibleTravel, Optional<Double> distanceKm) {
        public boolean risky() {
            return newDevice || newIp || impossibleTravel;
        }

        /** Facts for the audit log. */
        public Map<String, String> details() {
            Map<String, String> d = new LinkedHashMap<>();
            d.put("new_device", Boolean.toString(newDevice));
            d.put("new_ip", Boolean.toString(newIp));
            d.put("impossible_travel", Boolean.toString(impossibleTravel));
            distanceKm.ifPresent(km -> d.put("distance_km", Long.toString(Math.round(km))));
            return d;
        }
    }

    public Risk assess(Repositories tx, Scope scope, User user, ClientInfo client, Instant now) {
        Optional<SignInRecord> last = tx.signIns().lastSignIn(scope, user.id());
        if (last.isEmpty()) {
            return new Risk(false, false, false, Optional.empty());
        }
        boolean newDevice = !tx.signIns().seenDevice(scope, user.id(), deviceHash(client));
        boolean newIp = !tx.signIns().seenIp(scope, user.id(), client.ip());
        boolean impossible = false;
        Optional<Double> distance = Optional.empty();
        Optional<GeoPoint> here = locator.locate(client.ip());
        SignInRecord previous = last.get();
        if (here.isPresent() && previous.latitude().isPresent() && previous.longitude().isPresent()) {
            GeoPoint there = new GeoPoint(previous.latitude().get(), previous.longitude().get());
            distance = Optional.of(ImpossibleTravel.distanceKm(there, here.get()));
            impossible = ImpossibleTravel.impossible(there, previous.at(), here.get(), now, maxKmh);
        }
        return new Risk(newDevice, newIp, impossible, distance);
    }

    /** Adds this sign-in to the history the next assessment compares with. */
    public void remember(Repositories tx, Scope scope, User user, ClientInfo client, Instant now) {
        Optional<GeoPoint> here = locator.locate(client.ip());
        tx.signIns().recordSignIn(scope, new SignInRecord(user.tenantId(), user.id(), client.ip(), deviceHash(client),
                now, here.map(GeoPoint::latitude), here.map(GeoPoint::longitude)));
    }

    static String deviceHash(ClientInfo client) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(client.userAgent().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
