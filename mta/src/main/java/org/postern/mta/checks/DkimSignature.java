package org.postern.mta.checks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.postern.model.DomainName;
import org.postern.model.InvalidInputException;

/**
 * A parsed and syntax-checked DKIM-Signature header field (RFC 6376 §3.5, §6.1.1), or an
 * ARC-Message-Signature (RFC 8617 §4.1.2), which has the same syntax and meaning but for three
 * differences: no v= tag, i= is the ARC instance rather than an identity, and it must not sign
 * ARC-Seal fields.
 */
final class DkimSignature {
    static final Pattern SELECTOR = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*");
    private static final Pattern FIELD_NAME = Pattern.compile("[\\x21-\\x39\\x3b-\\x7e]+");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,76}");
    static final int MAX_SIGNED_FIELDS = 128;

    enum Algorithm {
        RSA_SHA256("rsa-sha256", "rsa"),
        ED25519_SHA256("ed25519-sha256", "ed25519");

        final String token;
        final String keyType;

        Algorithm(String token, String keyType) {
            this.token = token;
            this.keyType = keyType;
        }
    }

    /** A signature that cannot be evaluated, with what could be learned of it. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        final transient DkimResult result;

        Invalid(DkimResult result) {
            super(result.reason(), null, false, false);
            this.result = result;
        }
    }

    final HeaderBlock.Field field;
    final Algorithm algorithm;
    final byte[] signature;
    final byte[] bodyHash;
    final boolean relaxedHeaders;
    final boolean relaxedBody;
    final DomainName domain;
    final String selector;
    final List<String> signedFields;
    final String identityDomain;
    final long bodyLimit; // Long.MAX_VALUE when l= is absent
    final boolean hasBodyLimit;
    final Optional<Instant> timestamp;
    final Optional<Instant> expiry;
    final String signaturePrefix;
    final int arcInstance; // 0 for a DKIM-Signature

    private DkimSignature(HeaderBlock.Field field, Algorithm algorithm, byte[] signature, byte[] bodyHash,
            boolean relaxedHeaders, boolean relaxedBody, DomainName domain, String selector, List<String> signedFields,
            String identityDomain, long bodyLimit, boolean hasBodyLimit, Optional<Instant> timestamp,
            Optional<Instant> expiry, String signaturePrefix, int arcInstance) {
        this.field = field;
        this.algorithm = algorithm;
        this.signature = signature;
        this.bodyHash = bodyHash;
        this.relaxedHeaders = relaxedHeaders;
        this.relaxedBody = relaxedBody;
        this.domain = domain;
        this.selector = selector;
        this.signedFields = signedFields;
        this.identityDomain = identityDomain;
        this.bodyLimit = bodyLimit;
        this.hasBodyLimit = hasBodyLimit;
        this.timestamp = timestamp;
        this.expiry = expiry;
        this.signaturePrefix = signaturePrefix;
        this.arcInstance = arcInstance;
    }

    DkimResult result(DkimResult.Status status, boolean testing, String reason) {
        return new DkimResult(status, Optional.of(domain), selector, signaturePrefix, algorithm.token, testing, reason);
    }

    static DkimSignature parse(HeaderBlock.Field field) throws Invalid {
        return parse(field, false);
    }

    /** An ARC-Message-Signature field; {@link #arcInstance} is its i= (1 to {@link ArcVerifier#MAX_INSTANCE}). */
    static DkimSignature parseArcMessageSignature(HeaderBlock.Field field) throws Invalid {
        return parse(field, true);
    }

    private static DkimSignature parse(HeaderBlock.Field field, boolean arc) throws Invalid {
        Map<String, String> tags;
        try {
            tags = TagList.parse(field.value());
        } catch (TagList.SyntaxException e) {
            throw invalid(Optional.empty(), "", "", "", "signature syntax error");
        }
        // What identifies the signature in results, learned leniently first.
        Optional<DomainName> d = domainOf(tags.get("d"));
        String s = tags.getOrDefault("s", "");
        String selector = SELECTOR.matcher(s).matches() && s.length() <= 200 ? s.toLowerCase(Locale.ROOT) : "";
        String b = TagList.removeWhitespace(tags.getOrDefault("b", ""));
        String prefix = safePrefix(b);
        String a = tags.getOrDefault("a", "").toLowerCase(Locale.ROOT);
        Algorithm algorithm = switch (a) {
            case "rsa-sha256" -> Algorithm.RSA_SHA256;
            case "ed25519-sha256" -> Algorithm.ED25519_SHA256;
            default -> null;
        };
        String algToken = algorithm == null ? "" : algorithm.token;

        for (String required : arc ? List.of("i", "a", "b", "bh", "d", "h", "s") : List.of("v", "a", "b", "bh", "d", "h", "s")) {
            if (!tags.containsKey(required)) {
                throw invalid(d, selector, prefix, algToken, "signature lacks the " + required + "= tag");
            }
        }
        if (!arc && !"1".equals(tags.get("v"))) {
            throw unsupported(d, selector, prefix, algToken, "unsupported signature version");
        }
        if (algorithm == null) {
            throw unsupported(d, selector, prefix, algToken,
                    a.equals("rsa-sha1") ? "rsa-sha1 is not accepted (RFC 8301)" : "unsupported algorithm");
        }
        if (d.isEmpty()) {
            throw invalid(d, selector, prefix, algToken, "invalid d= domain");
        }
        if (selector.isEmpty()) {
            throw invalid(d, selector, prefix, algToken, "invalid s= selector");
        }
        byte[] sig;
        byte[] bh;
        try {
            sig = Base64.getDecoder().decode(b);
            bh = Base64.getDecoder().decode(TagList.removeWhitespace(tags.get("bh")));
        } catch (IllegalArgumentException e) {
            throw invalid(d, selector, prefix, algToken, "b= or bh= is not base64");
        }
        if (sig.length == 0 || sig.length > 1024 || bh.length != 32) {
            throw invalid(d, selector, prefix, algToken, "b= or bh= has an impossible length");
        }
        String c = tags.getOrDefault("c", "simple/simple").toLowerCase(Locale.ROOT);
        String[] canon = c.split("/", -1);
        if (canon.length > 2 || !isCanon(canon[0]) || (canon.length == 2 && !isCanon(canon[1]))) {
            throw unsupported(d, selector, prefix, algToken, "unsupported canonicalization");
        }
        boolean relaxedHeaders = canon[0].equals("relaxed");
        boolean relaxedBody = canon.length == 2 && canon[1].equals("relaxed");

        List<String> signed = new ArrayList<>();
        for (String name : tags.get("h").split(":", -1)) {
            String n = TagList.strip(name.replace("\r\n", ""));
            if (!FIELD_NAME.matcher(n).matches()) {
                throw invalid(d, selector, prefix, algToken, "invalid h= list");
            }
            signed.add(n.toLowerCase(Locale.ROOT));
        }
        if (signed.size() > MAX_SIGNED_FIELDS) {
            throw invalid(d, selector, prefix, algToken, "h= lists too many fields");
        }
        if (!signed.contains("from")) {
            throw invalid(d, selector, prefix, algToken, "From is not signed");
        }
        if (arc && signed.contains("arc-seal")) {
            throw invalid(d, selector, prefix, algToken, "ARC-Message-Signature signs ARC-Seal");
        }
        DomainName domain = d.get();
        String identityDomain = domain.ascii();
        int instance = 0;
        if (arc) {
            instance = ArcVerifier.instance(tags.get("i"));
            if (instance == 0) {
                throw invalid(d, selector, prefix, algToken, "invalid i= instance");
            }
        } else if (tags.containsKey("i")) {
            String i = decodeQuotedPrintable(tags.get("i"));
            int at = i == null ? -1 : i.lastIndexOf('@');
            Optional<DomainName> id = at < 0 ? Optional.empty() : domainOf(i.substring(at + 1));
            if (id.isEmpty() || !isSameOrSubdomain(id.get().ascii(), domain.ascii())) {
                throw invalid(d, selector, prefix, algToken, "i= is not within d=");
            }
            identityDomain = id.get().ascii();
        }
        if (tags.containsKey("q")) {
            boolean dns = false;
            for (String q : tags.get("q").split(":")) {
                dns |= TagList.strip(q).equalsIgnoreCase("dns/txt");
            }
            if (!dns) {
                throw unsupported(d, selector, prefix, algToken, "unsupported q= query method");
            }
        }
        long limit = Long.MAX_VALUE;
        boolean hasLimit = tags.containsKey("l");
        if (hasLimit) {
            String l = tags.get("l");
            if (!DIGITS.matcher(l).matches()) {
                throw invalid(d, selector, prefix, algToken, "invalid l= value");
            }
            limit = l.length() > 18 ? Long.MAX_VALUE - 1 : Long.parseLong(l);
        }
        Optional<Instant> t = timeTag(tags.get("t"));
        Optional<Instant> x = timeTag(tags.get("x"));
        if ((tags.containsKey("t") && t.isEmpty()) || (tags.containsKey("x") && x.isEmpty())) {
            throw invalid(d, selector, prefix, algToken, "invalid t= or x= value");
        }
        if (t.isPresent() && x.isPresent() && !x.get().isAfter(t.get())) {
            throw invalid(d, selector, prefix, algToken, "x= is not after t=");
        }
        return new DkimSignature(field, algorithm, sig, bh, relaxedHeaders, relaxedBody, domain, selector,
                List.copyOf(signed), identityDomain, limit, hasLimit, t, x, prefix, instance);
    }

    private static boolean isCanon(String s) {
        return s.equals("simple") || s.equals("relaxed");
    }

    private static Optional<Instant> timeTag(String value) {
        if (value == null || !value.matches("[0-9]{1,12}")) {
            return Optional.empty();
        }
        return Optional.of(Instant.ofEpochSecond(Long.parseLong(value)));
    }

    static boolean isSameOrSubdomain(String candidate, String parent) {
        return candidate.equals(parent) || candidate.endsWith("." + parent);
    }

    static Optional<DomainName> domainOf(String text) {
        if (text == null || text.isEmpty() || text.length() > 253) {
            return Optional.empty();
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 126) {
                return Optional.empty(); // d= must be ASCII (A-labels)
            }
        }
        try {
            return Optional.of(DomainName.parse(text.toLowerCase(Locale.ROOT)));
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
    }

    /** DKIM-Quoted-Printable (RFC 6376 §2.11); null when malformed. */
    private static String decodeQuotedPrintable(String value) {
        StringBuilder sb = new StringBuilder();
        String v = TagList.removeWhitespace(value);
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (ch == '=') {
                if (i + 2 >= v.length()) {
                    return null;
                }
                int hi = Character.digit(v.charAt(i + 1), 16);
                int lo = Character.digit(v.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                sb.append((char) (hi * 16 + lo));
                i += 2;
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    /** The first 8 characters of b= when they are base64 characters; for header.b (RFC 6008). */
    private static String safePrefix(String b) {
        String p = b.length() > 8 ? b.substring(0, 8) : b;
        return p.matches("[A-Za-z0-9+/=]*") ? p : "";
    }

    private static Invalid invalid(Optional<DomainName> d, String selector, String prefix, String alg, String reason) {
        return new Invalid(new DkimResult(DkimResult.Status.PERMERROR, d, selector, prefix, alg, false, reason));
    }

    /** Well-formed but using something we do not verify (RFC 8601 "neutral"). */
    private static Invalid unsupported(Optional<DomainName> d, String selector, String prefix, String alg,
            String reason) {
        return new Invalid(new DkimResult(DkimResult.Status.NEUTRAL, d, selector, prefix, alg, false, reason));
    }
}
