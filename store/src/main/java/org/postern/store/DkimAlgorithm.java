package org.postern.store;

/** The DKIM signing algorithms Postern generates keys for: Ed25519-SHA256 (RFC 8463) and RSA-SHA256 with 2048-bit keys. */
public enum DkimAlgorithm {
    ED25519("ed25519-sha256", "ed25519"),
    RSA_SHA256("rsa-sha256", "rsa");

    private final String tag;
    private final String keyType;

    DkimAlgorithm(String tag, String keyType) {
        this.tag = tag;
        this.keyType = keyType;
    }

    /** The a= value of a signature. */
    public String tag() {
        return tag;
    }

    /** The k= value of the key record. */
    public String keyType() {
        return keyType;
    }
}
