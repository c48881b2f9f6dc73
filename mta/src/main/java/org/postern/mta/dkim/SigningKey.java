package org.postern.mta.dkim;

import java.security.PrivateKey;
import java.util.Objects;
import org.postern.model.DomainName;
import org.postern.store.DkimAlgorithm;

/** An unsealed private key ready to sign for {@code domain} under {@code selector}; lives only in memory. */
public record SigningKey(DomainName domain, String selector, DkimAlgorithm algorithm, PrivateKey key) {
    public SigningKey {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
        return "SigningKey[" + domain + " " + selector + " " + algorithm + "]";
    }
}
