package org.postern.mta.checks;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A DKIM public key record (RFC 6376 §3.6.1, RFC 8463 §4.2), parsed and checked. */
final class DkimKey {
    static final int MIN_RSA_BITS = 1024; // RFC 8301 §3.2
    static final int MAX_RSA_BITS = 8192; // bounds the verification cost
    private static final byte[] ED25519_SPKI_PREFIX = {
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
    };

    /** Why a record gives no usable key, and which result that is. */
    static final class Unusable extends Exception {
        private static final long serialVersionUID = 1L;
        final DkimResult.Status status;

        Unusable(DkimResult.Status status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }
    }

    final String keyType;
    final PublicKey key;
    final boolean testing;
    final boolean strictIdentity;

    private DkimKey(String keyType, PublicKey key, boolean testing, boolean strictIdentity) {
        this.keyType = keyType;
        this.key = key;
        this.testing = testing;
        this.strictIdentity = strictIdentity;
    }

    static DkimKey parse(String record) throws Unusable {
        Map<String, String> tags;
        try {
            tags = TagList.parse(record);
        } catch (TagList.SyntaxException e) {
            throw new Unusable(DkimResult.Status.PERMERROR, "key record syntax error");
        }
        if (tags.containsKey("v")) {
            if (!tags.keySet().iterator().next().equals("v") || !"DKIM1".equals(tags.get("v"))) {
                throw new Unusable(DkimResult.Status.PERMERROR, "key record has an invalid v= tag");
            }
        }
        String p = tags.get("p");
        if (p == null) {
            throw new Unusable(DkimResult.Status.PERMERROR, "key record lacks p=");
        }
        p = TagList.removeWhitespace(p);
        if (p.isEmpty()) {
            // RFC 6376 §6.1.2 step 6: a revoked key is a failed signature check.
            throw new Unusable(DkimResult.Status.FAIL, "key revoked");
        }
        String k = tags.getOrDefault("k", "rsa").toLowerCase(Locale.ROOT);
        if (!k.equals("rsa") && !k.equals("ed25519")) {
            throw new Unusable(DkimResult.Status.PERMERROR, "unsupported key type");
        }
        if (tags.containsKey("h") && !listContains(tags.get("h"), "sha256")) {
            throw new Unusable(DkimResult.Status.PERMERROR, "key does not allow sha256");
        }
        if (tags.containsKey("s") && !listContains(tags.get("s"), "*") && !listContains(tags.get("s"), "email")) {
            throw new Unusable(DkimResult.Status.PERMERROR, "key is not for email");
        }
        String flags = tags.getOrDefault("t", "");
        boolean testing = listContains(flags, "y");
        boolean strict = listContains(flags, "s");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(p);
        } catch (IllegalArgumentException e) {
            throw new Unusable(DkimResult.Status.PERMERROR, "p= is not base64");
        }
        PublicKey key = k.equals("rsa") ? rsaKey(der) : ed25519Key(der);
        return new DkimKey(k, key, testing, strict);
    }

    private static PublicKey rsaKey(byte[] der) throws Unusable {
        if (der.length > 2048) {
            throw new Unusable(DkimResult.Status.PERMERROR, "RSA key too large");
        }
        RSAPublicKey key = null;
        try {
            KeyFactory kf = KeyFactory.getInstance("RSA");
            try {
                key = (RSAPublicKey) kf.generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException | ClassCastException e) {
                // Some publish the bare PKCS#1 RSAPublicKey the RFC text names: accept it too.
                Optional<RSAPublicKeySpec> spec = pkcs1(der);
                if (spec.isPresent()) {
                    key = (RSAPublicKey) kf.generatePublic(spec.get());
                }
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            key = null;
        }
        if (key == null) {
            throw new Unusable(DkimResult.Status.PERMERROR, "invalid RSA key");
        }
        int bits = key.getModulus().bitLength();
        if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
            throw new Unusable(DkimResult.Status.PERMERROR, "RSA key size not accepted");
        }
        return key;
    }

    private static Optional<RSAPublicKeySpec> pkcs1(byte[] der) {
        try {
            var seq = org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(der);
            BigInteger n = seq.getModulus();
            BigInteger e = seq.getPublicExponent();
            return Optional.of(new RSAPublicKeySpec(n, e));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static PublicKey ed25519Key(byte[] raw) throws Unusable {
        if (raw.length != 32) {
            throw new Unusable(DkimResult.Status.PERMERROR, "invalid Ed25519 key");
        }
        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + 32];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, 32);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new Unusable(DkimResult.Status.PERMERROR, "invalid Ed25519 key");
        }
    }

    private static boolean listContains(String colonList, String item) {
        for (String part : colonList.split(":")) {
            if (TagList.strip(part).equalsIgnoreCase(item)) {
                return true;
            }
        }
        return false;
    }
}
