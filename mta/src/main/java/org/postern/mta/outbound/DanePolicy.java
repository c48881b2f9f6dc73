package org.postern.mta.outbound;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * DANE (RFC 7672) for one MX host whose MX (or address-fallback) lookup and TLSA lookup were both
 * DNSSEC-authenticated: STARTTLS is mandatory, and the server's certificate must match one of the
 * usable TLSA records. When the host published TLSA records but none is usable, TLS is still
 * mandatory but not authenticated (RFC 7672 §2.2).
 *
 * <p>DANE-EE(3): the leaf certificate or its public key matches; its names and dates are not
 * looked at (RFC 7672 §3.1.1). DANE-TA(2): a certificate the server presented above the leaf
 * matches, every certificate below it is signed by the next and is valid now, those in between
 * are CAs, and the leaf names one of {@code names} (the MX host, then the destination domain,
 * RFC 7672 §3.2.2). A DANE-TA record that publishes only a public key the server does not send a
 * certificate for is not matched (RFC 7671 §5.2.2 allows it; nearly every deployment uses
 * DANE-EE). PKIX-TA(0) and PKIX-EE(1) are unusable for SMTP (RFC 7672 §3.1.3).
 *
 * @param usable the usable TLSA records; empty for mandatory unauthenticated TLS
 * @param names the reference identifiers for DANE-TA, lower case, without a trailing dot
 */
record DanePolicy(List<TlsaRecord> usable, List<String> names) {
    static final int MAX_CHAIN = 10;

    DanePolicy {
        usable = List.copyOf(usable);
        names = List.copyOf(names);
    }

    /** From the TLSA answer's values: the usable records (unparsable or unusable ones dropped). */
    static DanePolicy of(List<String> tlsaValues, List<String> names) {
        List<TlsaRecord> records = tlsaValues.stream().map(TlsaRecord::parse).flatMap(Optional::stream)
                .filter(TlsaRecord::usable).distinct().toList();
        return new DanePolicy(records, names);
    }

    /** True when the certificate is authenticated; false for mandatory unauthenticated TLS. */
    boolean authenticates() {
        return !usable.isEmpty();
    }

    /** Why {@code chain} (leaf first, as the server sent it) does not satisfy this policy, or empty when it does. */
    Optional<String> check(X509Certificate[] chain, Instant now) {
        if (!authenticates()) {
            return Optional.empty();
        }
        if (chain == null || chain.length == 0) {
            return Optional.of("the server presented no certificate");
        }
        if (chain.length > MAX_CHAIN) {
            return Optional.of("the server presented too many certificates");
        }
        for (TlsaRecord r : usable) {
            if (r.usage() == TlsaRecord.DANE_EE && matches(r, chain[0])) {
                return Optional.empty();
            }
        }
        for (TlsaRecord r : usable) {
            if (r.usage() != TlsaRecord.DANE_TA) {
                continue;
            }
            for (int i = 1; i < chain.length; i++) {
                if (matches(r, chain[i]) && chainsTo(chain, i, now) && namesOneOf(chain[0], names)) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of("no TLSA record matches the server's certificate");
    }

    /** RFC 6698 §2.1.2-2.1.3: the selected part of the certificate, compared whole or by digest. */
    static boolean matches(TlsaRecord r, X509Certificate cert) {
        try {
            byte[] selected = r.selector() == 0 ? cert.getEncoded() : cert.getPublicKey().getEncoded();
            byte[] value = switch (r.matchingType()) {
                case 0 -> selected;
                case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
                case 2 -> MessageDigest.getInstance("SHA-512").digest(selected);
                default -> null;
            };
            return value != null && MessageDigest.isEqual(value, r.data());
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Each certificate below {@code anchor} is issued and signed by the next one up and valid now; those above the leaf are CAs. */
    private static boolean chainsTo(X509Certificate[] chain, int anchor, Instant now) {
        try {
            for (int j = 0; j < anchor; j++) {
                X509Certificate cert = chain[j];
                X509Certificate issuer = chain[j + 1];
                if (!cert.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())
                        || issuer.getBasicConstraints() < 0) {
                    return false;
                }
                cert.verify(issuer.getPublicKey());
                cert.checkValidity(Date.from(now));
            }
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** RFC 6125 DNS-ID matching (a wildcard only as the whole left-most label), the CN when there is no DNS-ID. */
    static boolean namesOneOf(X509Certificate leaf, List<String> names) {
        List<String> ids = new ArrayList<>();
        try {
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String s) {
                        ids.add(s.toLowerCase(Locale.ROOT));
                    }
                }
            }
            if (ids.isEmpty()) {
                for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN") && rdn.getValue() instanceof String cn) {
                        ids.add(cn.toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (java.security.cert.CertificateParsingException | InvalidNameException | RuntimeException e) {
            return false;
        }
        for (String name : names) {
            for (String id : ids) {
                String bare = id.endsWith(".") ? id.substring(0, id.length() - 1) : id;
                if (bare.equals(name)) {
                    return true;
                }
                if (bare.startsWith("*.") && name.indexOf('.') > 0
                        && name.substring(name.indexOf('.') + 1).equals(bare.substring(2)) && bare.indexOf('.', 2) > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A TLS context that accepts exactly the certificates this policy accepts. */
    SSLContext context(Clock clock) {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    throw new CertificateException("not a server");
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    Optional<String> failure = check(chain, clock.instant());
                    if (failure.isPresent()) {
                        throw new CertificateException(failure.get());
                    }
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return c;
        } catch (NoSuchAlgorithmException | java.security.KeyManagementException e) {
            throw new IllegalStateException("TLS is not available", e);
        }
    }
}
