package org.postern.store;

import java.time.Instant;
import java.util.Objects;
import org.postern.model.DomainName;
import org.postern.model.TenantId;

/**
 * A domain's DKIM key as stored. The private key exists only sealed under the master key ring
 * ({@code sealedPrivateKey}, which names the master key it was sealed with), bound to the tenant,
 * domain and selector, so a row copied onto another domain or selector does not open.
 *
 * @param publicKey the SubjectPublicKeyInfo (X.509) encoding, as published (base64) in p=
 */
public record DkimKey(TenantId tenantId, DomainName domain, String selector, DkimAlgorithm algorithm,
        byte[] publicKey, byte[] sealedPrivateKey, Instant createdAt, DkimKeyState state) {
    public DkimKey {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(state, "state");
        publicKey = Objects.requireNonNull(publicKey, "publicKey").clone();
        sealedPrivateKey = Objects.requireNonNull(sealedPrivateKey, "sealedPrivateKey").clone();
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] sealedPrivateKey() {
        return sealedPrivateKey.clone();
    }

    public DkimKey withState(DkimKeyState newState) {
        return new DkimKey(tenantId, domain, selector, algorithm, publicKey, sealedPrivateKey, createdAt, newState);
    }

    @Override
    public String toString() {
        return "DkimKey[" + domain + " " + selector + " " + algorithm + " " + state + "]";
    }
}
