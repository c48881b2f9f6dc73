package org.postern.mta.checks;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postern.model.DomainName;

/**
 * Validates the ARC chain of a message (RFC 8617 §5.2): the ARC sets an intermediary such as a
 * mailing list or forwarder adds to vouch for the authentication results it saw before it changed
 * the message. The result is reported in Authentication-Results ({@code arc=}); it does not
 * override DMARC, because that would need a list of sealers this server trusts, which it does not
 * have.
 *
 * <p>Only the newest ARC-Message-Signature is validated, as the RFC requires (older ones were
 * expected to break), and every ARC-Seal from the newest down. Bounds: at most {@link
 * #MAX_INSTANCE} sets (the RFC's limit), at most {@link #MAX_KEYS} distinct keys looked up per
 * message; beyond either the chain fails. A message without ARC fields costs one pass over its
 * header fields and nothing else.
 *
 * <p>Use: {@link #begin} with the header block, read the body through {@link Pending#body} (the
 * DKIM verifier may read it too), then {@link Pending#finish}.
 */
public final class ArcVerifier {
    /** RFC 8617 §4.2.1: instances run from 1 to 50. */
    static final int MAX_INSTANCE = 50;
    /** Distinct (domain, selector) keys fetched for one chain. */
    static final int MAX_KEYS = 8;

    private static final String AAR = "arc-authentication-results";
    private static final String AMS = "arc-message-signature";
    private static final String AS = "arc-seal";
    private static final Pattern AAR_INSTANCE = Pattern.compile("\\A[ \\t\\r\\n]*i[ \\t\\r\\n]*=[ \\t\\r\\n]*([0-9]{1,3})[ \\t\\r\\n]*;");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,3}");

    private final DnsResolver resolver;

    public ArcVerifier(DnsResolver resolver) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /** The instance number of an i= value, or 0 when it is not 1 to {@link #MAX_INSTANCE}. */
    static int instance(String value) {
        if (value == null) {
            return 0;
        }
        String v = TagList.strip(value);
        if (!DIGITS.matcher(v).matches()) {
            return 0;
        }
        int i = Integer.parseInt(v);
        return i >= 1 && i <= MAX_INSTANCE ? i : 0;
    }

    /** One ARC set: the three fields of one instance. */
    private record ArcSet(int instance, HeaderBlock.Field results, HeaderBlock.Field messageSignature,
            HeaderBlock.Field seal) {}

    /** A parsed ARC-Seal (RFC 8617 §4.1.3). */
    private record Seal(int instance, DkimSignature.Algorithm algorithm, byte[] signature, DomainName domain,
            String selector, String chainValidation, HeaderBlock.Field field) {}

    /** Reads the ARC sets of a message; what needs the body is finished by the returned {@link Pending}. */
    public Pending begin(HeaderBlock headers) {
        Objects.requireNonNull(headers, "headers");
        Map<Integer, HeaderBlock.Field[]> byInstance = new HashMap<>();
        int fields = 0;
        for (HeaderBlock.Field f : headers.fields()) {
            int kind = switch (f.lowerName()) {
                case AAR -> 0;
                case AMS -> 1;
                case AS -> 2;
                default -> -1;
            };
            if (kind < 0) {
                continue;
            }
            if (++fields > 3 * MAX_INSTANCE) {
                return new Pending(ArcResult.fail(0, Optional.empty(), "too many ARC fields"));
            }
            int i = kind == 0 ? aarInstance(f.value()) : tagInstance(f.value());
            if (i == 0) {
                return new Pending(ArcResult.fail(0, Optional.empty(), "ARC field without a valid instance"));
            }
            HeaderBlock.Field[] set = byInstance.computeIfAbsent(i, k -> new HeaderBlock.Field[3]);
            if (set[kind] != null) {
                return new Pending(ArcResult.fail(0, Optional.empty(), "duplicate ARC field for instance " + i));
            }
            set[kind] = f;
        }
        if (byInstance.isEmpty()) {
            return new Pending(ArcResult.none());
        }
        int n = byInstance.size();
        List<ArcSet> sets = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            HeaderBlock.Field[] set = byInstance.get(i);
            if (set == null) {
                return new Pending(ArcResult.fail(n, Optional.empty(), "ARC instances are not 1 to " + n));
            }
            if (set[0] == null || set[1] == null || set[2] == null) {
                return new Pending(ArcResult.fail(n, Optional.empty(), "incomplete ARC set " + i));
            }
            sets.add(new ArcSet(i, set[0], set[1], set[2]));
        }
        List<Seal> seals = new ArrayList<>(n);
        for (ArcSet set : sets) {
            Optional<Seal> seal = parseSeal(set.seal(), set.instance());
            if (seal.isEmpty()) {
                return new Pending(ArcResult.fail(n, Optional.empty(), "malformed ARC-Seal " + set.instance()));
            }
            seals.add(seal.get());
        }
        Seal newest = seals.get(n - 1);
        Optional<DomainName> sealer = Optional.of(newest.domain());
        if (newest.chainValidation().equals("fail")) {
            return new Pending(ArcResult.fail(n, sealer, "the last sealer reported a failed chain"));
        }
        for (Seal seal : seals) {
            String expected = seal.instance() == 1 ? "none" : "pass";
            if (!seal.chainValidation().equals(expected)) {
                return new Pending(ArcResult.fail(n, sealer, "ARC-Seal " + seal.instance() + " has cv=" + seal.chainValidation()));
            }
        }
        DkimSignature ams;
        try {
            ams = DkimSignature.parseArcMessageSignature(sets.get(n - 1).messageSignature());
        } catch (DkimSignature.Invalid e) {
            return new Pending(ArcResult.fail(n, sealer, "malformed ARC-Message-Signature " + n));
        }
        if (ams.arcInstance != n || ams.hasBodyLimit) {
            return new Pending(ArcResult.fail(n, sealer, "unacceptable ARC-Message-Signature " + n));
        }
        return new Pending(headers, sets, seals, ams);
    }

    private static int aarInstance(String value) {
        Matcher m = AAR_INSTANCE.matcher(value);
        return m.find() ? instance(m.group(1)) : 0;
    }

    private static int tagInstance(String value) {
        try {
            return instance(TagList.parse(value).get("i"));
        } catch (TagList.SyntaxException e) {
            return 0;
        }
    }

    private static Optional<Seal> parseSeal(HeaderBlock.Field field, int instance) {
        Map<String, String> tags;
        try {
            tags = TagList.parse(field.value());
        } catch (TagList.SyntaxException e) {
            return Optional.empty();
        }
        for (String required : List.of("i", "a", "b", "cv", "d", "s")) {
            if (!tags.containsKey(required)) {
                return Optional.empty();
            }
        }
        if (tags.containsKey("h")) {
            return Optional.empty(); // RFC 8617 §4.1.3: an ARC-Seal signs the ARC fields only
        }
        DkimSignature.Algorithm algorithm = switch (tags.get("a").toLowerCase(Locale.ROOT)) {
            case "rsa-sha256" -> DkimSignature.Algorithm.RSA_SHA256;
            case "ed25519-sha256" -> DkimSignature.Algorithm.ED25519_SHA256;
            default -> null;
        };
        Optional<DomainName> domain = DkimSignature.domainOf(tags.get("d"));
        String selector = tags.get("s");
        String cv = tags.get("cv").toLowerCase(Locale.ROOT);
        if (algorithm == null || domain.isEmpty() || selector.length() > 200
                || !DkimSignature.SELECTOR.matcher(selector).matches() || !List.of("none", "pass", "fail").contains(cv)) {
            return Optional.empty();
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(TagList.removeWhitespace(tags.get("b")));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (signature.length == 0 || signature.length > 1024) {
            return Optional.empty();
        }
        return Optional.of(new Seal(instance, algorithm, signature, domain.get(), selector.toLowerCase(Locale.ROOT), cv,
                field));
    }

    /** The data an ARC-Seal of instance {@code i} signs (RFC 8617 §5.1.1), relaxed canonicalisation. */
    private static byte[] sealedData(List<ArcSet> sets, int i) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        for (ArcSet set : sets.subList(0, i)) {
            append(out, DkimVerifier.relaxedHeader(set.results().raw()) + "\r\n");
            append(out, DkimVerifier.relaxedHeader(set.messageSignature().raw()) + "\r\n");
            if (set.instance() < i) {
                append(out, DkimVerifier.relaxedHeader(set.seal().raw()) + "\r\n");
            } else {
                append(out, DkimVerifier.relaxedHeader(DkimVerifier.withoutSignatureValue(set.seal().raw())));
            }
        }
        return out.toByteArray();
    }

    private static void append(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A chain being validated; decided already when the header fields alone settle it. */
    public final class Pending {
        private final ArcResult decided;
        private final HeaderBlock headers;
        private final List<ArcSet> sets;
        private final List<Seal> seals;
        private final DkimSignature newestAms;
        private final BodyHasher bodyHasher;

        private Pending(ArcResult decided) {
            this.decided = decided;
            this.headers = null;
            this.sets = List.of();
            this.seals = List.of();
            this.newestAms = null;
            this.bodyHasher = null;
        }

        private Pending(HeaderBlock headers, List<ArcSet> sets, List<Seal> seals, DkimSignature newestAms) {
            this.decided = null;
            this.headers = headers;
            this.sets = List.copyOf(sets);
            this.seals = List.copyOf(seals);
            this.newestAms = newestAms;
            this.bodyHasher = new BodyHasher(newestAms.relaxedBody, Long.MAX_VALUE);
        }

        /** The body stream to read instead of {@code body}: it hashes what passes through when needed. */
        public InputStream body(InputStream body) {
            if (bodyHasher == null) {
                return body;
            }
            return new FilterInputStream(body) {
                private final byte[] one = new byte[1];

                @Override
                public int read() throws IOException {
                    int n = read(one, 0, 1);
                    return n <= 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = super.read(buf, off, len);
                    if (n > 0) {
                        bodyHasher.update(buf, off, n);
                    }
                    return n;
                }

                @Override
                public long skip(long n) throws IOException {
                    // Skipped bytes must be hashed too: read them.
                    byte[] buf = new byte[(int) Math.min(8192, Math.max(n, 1))];
                    long left = n;
                    while (left > 0) {
                        int r = read(buf, 0, (int) Math.min(buf.length, left));
                        if (r < 0) {
                            break;
                        }
                        left -= r;
                    }
                    return n - Math.max(left, 0);
                }
            };
        }

        /**
         * Reads what is left of {@code body} (the stream {@link #body} returned) and decides.
         * Never throws: an unreadable body or a failed key lookup fails the chain.
         */
        public ArcResult finish(InputStream body) {
            if (decided != null) {
                return decided;
            }
            int n = sets.size();
            Optional<DomainName> sealer = Optional.of(seals.get(n - 1).domain());
            try {
                body.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                return ArcResult.fail(n, sealer, "message could not be read");
            }
            DnsSession dns = resolver.newSession();
            Map<String, DnsAnswer> keyAnswers = new HashMap<>();
            DkimVerifier.KeyLookup amsKey = key(newestAms.domain, newestAms.selector, dns, keyAnswers);
            if (amsKey == null) {
                return ArcResult.fail(n, sealer, "too many ARC keys");
            }
            if (amsKey.key() == null) {
                return ArcResult.fail(n, sealer, "ARC-Message-Signature " + n + ": " + amsKey.reason());
            }
            if (!amsKey.key().keyType.equals(newestAms.algorithm.keyType)
                    || !MessageDigest.isEqual(bodyHasher.finish(), newestAms.bodyHash)
                    || !DkimVerifier.headerSignatureVerifies(newestAms, amsKey.key(), headers)) {
                return ArcResult.fail(n, sealer, "ARC-Message-Signature " + n + " did not verify");
            }
            for (int i = n; i >= 1; i--) {
                Seal seal = seals.get(i - 1);
                DkimVerifier.KeyLookup sealKey = key(seal.domain(), seal.selector(), dns, keyAnswers);
                if (sealKey == null) {
                    return ArcResult.fail(n, sealer, "too many ARC keys");
                }
                if (sealKey.key() == null) {
                    return ArcResult.fail(n, sealer, "ARC-Seal " + i + ": " + sealKey.reason());
                }
                if (!sealKey.key().keyType.equals(seal.algorithm().keyType)
                        || !DkimVerifier.signatureVerifies(seal.algorithm(), sealKey.key(), seal.signature(), sealedData(sets, i))) {
                    return ArcResult.fail(n, sealer, "ARC-Seal " + i + " did not verify");
                }
            }
            return new ArcResult(ArcResult.Status.PASS, n, sealer, "");
        }

        /** A key lookup, or null once {@link #MAX_KEYS} distinct keys have been asked for. */
        private DkimVerifier.KeyLookup key(DomainName domain, String selector, DnsSession dns,
                Map<String, DnsAnswer> keyAnswers) {
            String name = selector + "._domainkey." + domain.ascii();
            if (!keyAnswers.containsKey(name) && keyAnswers.size() >= MAX_KEYS) {
                return null;
            }
            return DkimVerifier.fetchKey(domain, selector, dns, keyAnswers);
        }
    }
}
