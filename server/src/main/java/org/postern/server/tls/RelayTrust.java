package org.postern.server.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** What the smarthost's certificate is checked against: the operator's PEM certificates, or the JDK's roots. */
public final class RelayTrust {
    private static final int MAX_CERTIFICATES = 100;

    private RelayTrust() {}

    public static SSLContext load(Optional<Path> pem) {
        try {
            if (pem.isEmpty()) {
                return SSLContext.getDefault();
            }
            Collection<? extends Certificate> certs;
            try (InputStream in = Files.newInputStream(pem.get())) {
                certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certs.isEmpty() || certs.size() > MAX_CERTIFICATES) {
                throw new IllegalStateException("outbound_relay_ca " + pem.get() + " holds no certificate, or too many");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                store.setCertificateEntry("relay-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read outbound_relay_ca " + pem.orElse(null), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("outbound_relay_ca " + pem.orElse(null) + " is not a PEM certificate file", e);
        }
    }
}
