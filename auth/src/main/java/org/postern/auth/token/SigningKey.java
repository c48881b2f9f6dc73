package org.postern.auth.token;

import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Objects;

/**
 * One ES256 (P-256) token-signing key pair. {@code kid} is the RFC 7638 JWK thumbprint of the
 * public key, so it names the key without revealing anything else.
 */
public record SigningKey(String kid, ECPublicKey publicKey, ECPrivateKey privateKey) {
    public SigningKey {
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    @Override
    public String toString() {
        return "SigningKey[" + kid + "]";
    }
}
