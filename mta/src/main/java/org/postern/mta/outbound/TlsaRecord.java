package org.postern.mta.outbound;

import java.util.HexFormat;
import java.util.Optional;

/**
 * One TLSA record (RFC 6698 §2.1) as the resolver gives it: {@code usage selector matching-type hex}.
 * Parsed strictly from untrusted DNS data; a record that breaks the grammar is dropped (it counts
 * as unusable, RFC 7671 §4.1).
 *
 * @param usage 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE
 * @param selector 0 the whole certificate, 1 its SubjectPublicKeyInfo
 * @param matchingType 0 the data itself, 1 its SHA-256, 2 its SHA-512
 */
record TlsaRecord(int usage, int selector, int matchingType, byte[] data) {
    static final int DANE_TA = 2;
    static final int DANE_EE = 3;

    TlsaRecord {
        data = data.clone();
    }

    /** A record from {@code "3 1 1 ab12..."}, or empty when it is not one. */
    static Optional<TlsaRecord> parse(String text) {
        String[] f = text.strip().split(" ");
        if (f.length != 4 || !f[0].matches("[0-9]{1,3}") || !f[1].matches("[0-9]{1,3}") || !f[2].matches("[0-9]{1,3}")
                || !f[3].matches("([0-9a-fA-F]{2})+")) {
            return Optional.empty();
        }
        return Optional.of(new TlsaRecord(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                HexFormat.of().parseHex(f[3])));
    }

    /**
     * Usable for SMTP (RFC 7672 §3.1): DANE-TA or DANE-EE (PKIX-TA and PKIX-EE are not, §3.1.3),
     * a known selector and matching type, and a digest of the right length.
     */
    boolean usable() {
        if (usage != DANE_TA && usage != DANE_EE) {
            return false;
        }
        if (selector != 0 && selector != 1) {
            return false;
        }
        return switch (matchingType) {
            case 0 -> data.length > 0;
            case 1 -> data.length == 32;
            case 2 -> data.length == 64;
            default -> false;
        };
    }

    @Override
    public String toString() {
        return usage + " " + selector + " " + matchingType + " " + HexFormat.of().formatHex(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TlsaRecord t && t.usage == usage && t.selector == selector && t.matchingType == matchingType
                && java.util.Arrays.equals(t.data, data);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(usage, selector, matchingType, java.util.Arrays.hashCode(data));
    }
}
