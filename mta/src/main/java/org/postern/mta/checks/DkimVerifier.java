package org.postern.mta.checks;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.postern.mta.checks.DkimResult.Status;
import org.postern.model.DomainName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the DKIM-Signature header fields of a message (RFC 6376) with rsa-sha256 and
 * ed25519-sha256 (RFC 8463), simple and relaxed canonicalisation, keys fetched through {@link
 * DnsResolver}. One result per evaluated signature, in header order; no signature gives an
 * empty list. Never throws.
 *
 * <p>Bounds: the first {@link Limits#maxSignatures} signatures are evaluated and the rest are
 * ignored (a sender only hurts itself by adding more); the header block is capped at {@link
 * Limits#maxHeaderBytes} (over it: a single permerror result); RSA keys of 1024 to 8192 bits;
 * at most 128 names in h=; one DNS session per message.
 *
 * <p>Decisions: l= shorter than the body gives {@link Status#POLICY} (the signature holds, but
 * content after l= is unsigned and anyone could have appended it), l= longer than the body gives
 * fail. A revoked key (empty p=) is fail, as RFC 6376 §6.1.2 says ("treat as a failed signature
 * check"); a missing key is permerror. x= in the past and t= in the future (beyond the allowed
 * clock skew) are fail. rsa-sha1 and other unsupported but well-formed choices are neutral (RFC 8301
 * forbids treating rsa-sha1 as valid). Several valid key records at one name
 * are permerror rather than a guess. jdkim is not used: it has no Ed25519, reports a missing key
 * as a failed signature and sets no bounds; this verifier uses JDK crypto (and BouncyCastle's
 * ASN.1 for PKCS#1 RSA keys).
 */
public final class DkimVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(DkimVerifier.class);

    /**
     * Bounds of one verification.
     *
     * @param maxSignatures how many DKIM-Signature fields are evaluated (1 to 20)
     * @param maxHeaderBytes the largest header block read
     * @param allowedClockSkew tolerance for t= in the future and x= in the past
     */
    public record Limits(int maxSignatures, int maxHeaderBytes, Duration allowedClockSkew) {
        public Limits {
            if (maxSignatures < 1 || maxSignatures > 20) {
                throw new IllegalArgumentException("maxSignatures must be 1..20");
            }
            if (maxHeaderBytes < 1024 || maxHeaderBytes > 4 * 1024 * 1024) {
                throw new IllegalArgumentException("maxHeaderBytes must be 1 KiB..4 MiB");
            }
            Objects.requireNonNull(allowedClockSkew, "allowedClockSkew");
            if (allowedClockSkew.isNegative() || allowedClockSkew.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("allowedClockSkew must be 0..1 day");
            }
        }

        /** 5 signatures, 256 KiB of header, 5 minutes of skew. */
        public static Limits defaults() {
            return new Limits(5, 256 * 1024, Duration.ofMinutes(5));
        }
    }

    private final DnsResolver resolver;
    private final Limits limits;
    private final Clock clock;

    public DkimVerifier(DnsResolver resolver) {
        this(resolver, Limits.defaults(), Clock.systemUTC());
    }

    public DkimVerifier(DnsResolver resolver, Limits limits, Clock clock) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Limits limits() {
        return limits;
    }

    /** Opens the message once, reads it to the end and verifies every signature in it. */
    public List<DkimResult> verify(MessageSource message) {
        Objects.requireNonNull(message, "message");
        try (InputStream raw = message.open(); InputStream in = new BufferedInputStream(raw, 16 * 1024)) {
            HeaderBlock headers = HeaderBlock.read(in, limits.maxHeaderBytes());
            return verify(headers, in);
        } catch (HeaderBlock.TooLargeException e) {
            return List.of(headerTooLarge());
        } catch (IOException | RuntimeException e) {
            return List.of(unreadable());
        }
    }

    static DkimResult headerTooLarge() {
        return new DkimResult(Status.PERMERROR, Optional.empty(), "", "", "", false, "header block too large");
    }

    static DkimResult unreadable() {
        return new DkimResult(Status.TEMPERROR, Optional.empty(), "", "", "", false, "message could not be read");
    }

    /** Verifies with the header block already read; {@code body} is read to its end, not closed. */
    List<DkimResult> verify(HeaderBlock headers, InputStream body) throws IOException {
        List<HeaderBlock.Field> fields = headers.fields("DKIM-Signature");
        if (fields.isEmpty()) {
            return List.of();
        }
        if (fields.size() > limits.maxSignatures()) {
            LOG.info("DKIM: {} signatures, evaluating the first {}", fields.size(), limits.maxSignatures());
            fields = fields.subList(0, limits.maxSignatures());
        }
        List<Object> parsed = new ArrayList<>(); // DkimSignature or DkimResult (already decided)
        Map<String, BodyHasher> hashers = new LinkedHashMap<>();
        for (HeaderBlock.Field field : fields) {
            try {
                DkimSignature sig = DkimSignature.parse(field);
                parsed.add(sig);
                hashers.computeIfAbsent(hasherKey(sig), k -> new BodyHasher(sig.relaxedBody, sig.bodyLimit));
            } catch (DkimSignature.Invalid e) {
                parsed.add(e.result);
            }
        }
        if (!hashers.isEmpty()) {
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = body.read(buf)) > 0) {
                for (BodyHasher h : hashers.values()) {
                    h.update(buf, 0, n);
                }
            }
        }
        Map<String, byte[]> digests = new HashMap<>();
        Map<String, Long> lengths = new HashMap<>();
        for (Map.Entry<String, BodyHasher> e : hashers.entrySet()) {
            digests.put(e.getKey(), e.getValue().finish());
            lengths.put(e.getKey(), e.getValue().canonicalLength());
        }

        DnsSession dns = resolver.newSession();
        Map<String, DnsAnswer> keyAnswers = new HashMap<>();
        List<DkimResult> results = new ArrayList<>();
        for (Object p : parsed) {
            DkimResult r;
            if (p instanceof DkimSignature sig) {
                try {
                    r = evaluate(sig, headers, digests.get(hasherKey(sig)), lengths.get(hasherKey(sig)), dns, keyAnswers);
                } catch (RuntimeException e) {
                    r = sig.result(Status.TEMPERROR, false, "internal error");
                }
            } else {
                r = (DkimResult) p;
            }
            LOG.debug("DKIM {} d={} s={} ({})", r.status().token(),
                    r.domain().map(Object::toString).orElse("-"), r.selector(), r.reason());
            results.add(r);
        }
        return List.copyOf(results);
    }

    private static String hasherKey(DkimSignature sig) {
        return (sig.relaxedBody ? "r" : "s") + "/" + sig.bodyLimit;
    }

    private DkimResult evaluate(DkimSignature sig, HeaderBlock headers, byte[] bodyDigest, long canonicalLength,
            DnsSession dns, Map<String, DnsAnswer> keyAnswers) {
        Instant now = clock.instant();
        if (sig.expiry.isPresent() && now.isAfter(sig.expiry.get().plus(limits.allowedClockSkew()))) {
            return sig.result(Status.FAIL, false, "signature expired");
        }
        if (sig.timestamp.isPresent() && sig.timestamp.get().isAfter(now.plus(limits.allowedClockSkew()))) {
            return sig.result(Status.FAIL, false, "signature timestamp in the future");
        }
        KeyLookup lookup = fetchKey(sig.domain, sig.selector, dns, keyAnswers);
        if (lookup.key() == null) {
            return sig.result(lookup.status(), false, lookup.reason());
        }
        DkimKey key = lookup.key();
        if (!key.keyType.equals(sig.algorithm.keyType)) {
            return sig.result(Status.PERMERROR, key.testing, "key type does not match a=");
        }
        if (key.strictIdentity && !sig.identityDomain.equals(sig.domain.ascii())) {
            return sig.result(Status.PERMERROR, key.testing, "key forbids i= subdomains (t=s)");
        }
        if (!headerSignatureVerifies(sig, key, headers)) {
            return sig.result(Status.FAIL, key.testing, "signature did not verify");
        }
        if (!MessageDigest.isEqual(bodyDigest, sig.bodyHash)) {
            return sig.result(Status.FAIL, key.testing, "body hash did not verify");
        }
        if (sig.hasBodyLimit && sig.bodyLimit > canonicalLength) {
            return sig.result(Status.FAIL, key.testing, "l= exceeds the body length");
        }
        if (sig.hasBodyLimit && sig.bodyLimit < canonicalLength) {
            return sig.result(Status.POLICY, key.testing, "unsigned body content after l=");
        }
        return sig.result(Status.PASS, key.testing, "");
    }

    /** A key found at selector._domainkey.domain, or the status and reason why there is none. */
    record KeyLookup(DkimKey key, Status status, String reason) {}

    /** Looks up and parses a signing key; answers are shared through {@code keyAnswers} within one message. */
    static KeyLookup fetchKey(DomainName domain, String selector, DnsSession dns, Map<String, DnsAnswer> keyAnswers) {
        String keyName = selector + "._domainkey." + domain.ascii();
        DnsAnswer answer = keyAnswers.computeIfAbsent(keyName, dns::txt);
        return switch (answer.status()) {
            case OK -> {
                try {
                    yield new KeyLookup(selectKey(answer.values()), Status.PASS, "");
                } catch (DkimKey.Unusable e) {
                    yield new KeyLookup(null, e.status, e.getMessage());
                }
            }
            case NXDOMAIN, NODATA -> new KeyLookup(null, Status.PERMERROR, "no key for signature");
            case INVALID -> new KeyLookup(null, Status.PERMERROR, "invalid key answer");
            default -> new KeyLookup(null, Status.TEMPERROR, "key lookup failed");
        };
    }

    /** One usable key among the TXT records, or why not. */
    private static DkimKey selectKey(List<String> records) throws DkimKey.Unusable {
        DkimKey found = null;
        DkimKey.Unusable firstError = null;
        for (String record : records) {
            try {
                DkimKey k = DkimKey.parse(record);
                if (found != null) {
                    throw new DkimKey.Unusable(Status.PERMERROR, "several key records");
                }
                found = k;
            } catch (DkimKey.Unusable e) {
                if (e.getMessage().equals("several key records")) {
                    throw e;
                }
                if (firstError == null) {
                    firstError = e;
                }
            }
        }
        if (found != null) {
            return found;
        }
        throw firstError;
    }

    static boolean headerSignatureVerifies(DkimSignature sig, DkimKey key, HeaderBlock headers) {
        return signatureVerifies(sig.algorithm, key, sig.signature, signedHeaderData(sig, headers));
    }

    /** Whether {@code signature} over the canonical header {@code data} verifies with {@code key}. */
    static boolean signatureVerifies(DkimSignature.Algorithm algorithm, DkimKey key, byte[] signature, byte[] data) {
        try {
            if (algorithm == DkimSignature.Algorithm.RSA_SHA256) {
                Signature verifier = Signature.getInstance("SHA256withRSA");
                verifier.initVerify(key.key);
                verifier.update(data);
                return verifier.verify(signature);
            }
            if (signature.length != 64) {
                return false;
            }
            // RFC 8463 §3: Ed25519 signs the SHA-256 hash of the canonical header data.
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(data);
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key.key);
            verifier.update(hash);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** The canonical header data a signature covers (RFC 6376 §3.7, §5.4.2). */
    static byte[] signedHeaderData(DkimSignature sig, HeaderBlock headers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        Map<String, Integer> used = new HashMap<>();
        Map<String, List<HeaderBlock.Field>> byName = new HashMap<>();
        for (HeaderBlock.Field f : headers.fields()) {
            if (!f.name().isEmpty()) {
                byName.computeIfAbsent(f.lowerName(), k -> new ArrayList<>()).add(f);
            }
        }
        for (String name : sig.signedFields) {
            List<HeaderBlock.Field> instances = byName.getOrDefault(name, List.of());
            int taken = used.getOrDefault(name, 0);
            if (taken < instances.size()) {
                HeaderBlock.Field f = instances.get(instances.size() - 1 - taken);
                used.put(name, taken + 1);
                String canon = sig.relaxedHeaders ? relaxedHeader(f.raw()) + "\r\n" : f.raw();
                out.writeBytes(canon.getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        String self = withoutSignatureValue(sig.field.raw());
        String canon = sig.relaxedHeaders ? relaxedHeader(self) : stripFinalCrlf(self);
        out.writeBytes(canon.getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    /** Relaxed header canonicalisation (RFC 6376 §3.4.2), without the final CRLF; the signer uses it too. */
    public static String relaxedHeader(String raw) {
        int colon = raw.indexOf(':');
        String name = TagList.strip(raw.substring(0, colon)).toLowerCase(Locale.ROOT);
        String value = raw.substring(colon + 1).replace("\r\n", "");
        StringBuilder sb = new StringBuilder(value.length());
        boolean space = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ' ' || c == '\t') {
                space = true;
            } else {
                if (space && !sb.isEmpty()) {
                    sb.append(' ');
                }
                space = false;
                sb.append(c);
            }
        }
        return name + ":" + sb;
    }

    private static String stripFinalCrlf(String raw) {
        return raw.endsWith("\r\n") ? raw.substring(0, raw.length() - 2) : raw;
    }

    /** The field with the value of its b= tag emptied, everything else kept byte for byte. */
    static String withoutSignatureValue(String raw) {
        int pos = raw.indexOf(':') + 1;
        while (pos <= raw.length()) {
            int semi = raw.indexOf(';', pos);
            int end = semi < 0 ? raw.length() : semi;
            String spec = raw.substring(pos, end);
            int eq = spec.indexOf('=');
            if (eq >= 0 && TagList.strip(spec.substring(0, eq).replace("\r\n", "")).equals("b")) {
                int valueStart = pos + eq + 1;
                int valueEnd = end;
                if (semi < 0 && raw.endsWith("\r\n")) {
                    valueEnd = raw.length() - 2;
                }
                return raw.substring(0, valueStart) + raw.substring(valueEnd);
            }
            if (semi < 0) {
                break;
            }
            pos = semi + 1;
        }
        return raw;
    }
}
