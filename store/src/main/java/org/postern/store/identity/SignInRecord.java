package org.postern.store.identity;

import java.time.Instant;
import java.util.Optional;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/**
 * A successful sign-in, kept to recognise new devices and impossible travel.
 *
 * @param deviceHash SHA-256 (hex) of the User-Agent, so the history does not keep a fingerprint in clear
 * @param latitude where the IP-to-location source placed {@code ip}, if it knew
 */
public record SignInRecord(TenantId tenantId, UserId userId, String ip, String deviceHash, Instant at,
        Optional<Double> latitude, Optional<Double> longitude) {}
