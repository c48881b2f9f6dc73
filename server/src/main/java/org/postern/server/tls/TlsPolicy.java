package org.postern.server.tls;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Which TLS versions and cipher suites Postern offers: TLS 1.3, and TLS 1.2 with ECDHE key
 * exchange and AEAD ciphers only. No CBC, no RSA key exchange, no SHA-1 MACs, no renegotiation
 * fallbacks to older versions.
 */
public final class TlsPolicy {
    /** Protocol versions, newest first. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** Suites in order of preference; those the running JDK lacks are dropped. */
    public static final List<String> PREFERRED_CIPHER_SUITES = List.of(
            // TLS 1.3 (all AEAD, ECDHE or hybrid key exchange by construction)
            "TLS_AES_256_GCM_SHA384",
            "TLS_AES_128_GCM_SHA256",
            "TLS_CHACHA20_POLY1305_SHA256",
            // TLS 1.2: forward secret, authenticated encryption
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private TlsPolicy() {}

    /** The preferred suites that {@code context} supports, in preference order. */
    static List<String> cipherSuites(SSLContext context) {
        Set<String> supported = new HashSet<>(Arrays.asList(context.getSupportedSSLParameters().getCipherSuites()));
        List<String> suites = PREFERRED_CIPHER_SUITES.stream().filter(supported::contains).toList();
        if (suites.isEmpty()) {
            throw new IllegalStateException("this JDK supports none of Postern's TLS cipher suites");
        }
        return suites;
    }

    /** Fresh server-side parameters: our protocols and suites, server preference order. */
    static SSLParameters serverParameters(List<String> cipherSuites) {
        SSLParameters parameters = new SSLParameters(cipherSuites.toArray(String[]::new), PROTOCOLS.toArray(String[]::new));
        parameters.setUseCipherSuitesOrder(true);
        return parameters;
    }
}
