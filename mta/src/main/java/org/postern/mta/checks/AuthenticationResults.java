package org.postern.mta.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Writes the Authentication-Results header field (RFC 8601) for our authserv-id from the check
 * results. Safe against header injection by construction: result names are enums, domains are
 * validated {@link org.postern.model.DomainName}s, other values are written only when they match
 * a strict token or base64 pattern (else the property is left out), and comments keep only
 * letters, digits and a few punctuation marks. No CR or LF can come from the inputs; folding is
 * ours.
 */
public final class AuthenticationResults {
    public static final String FIELD_NAME = "Authentication-Results";
    static final Pattern AUTHSERV_ID = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._-]{1,253}");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=]{1,16}");
    private static final String FOLD = "\r\n\t";

    private AuthenticationResults() {}

    /** A builder for one header field; {@code authservId} is our host name. */
    public static Builder builder(String authservId) {
        return new Builder(authservId);
    }

    static String requireAuthservId(String authservId) {
        Objects.requireNonNull(authservId, "authservId");
        if (!AUTHSERV_ID.matcher(authservId).matches()) {
            throw new IllegalArgumentException("authserv-id must be a host name");
        }
        return authservId.toLowerCase(java.util.Locale.ROOT);
    }

    /** Collects results, then writes them in the order spf, dkim, dmarc, arc. */
    public static final class Builder {
        private final String authservId;
        private SpfResult spf;
        private List<DkimResult> dkim = List.of();
        private boolean dkimSet;
        private DmarcResult dmarc;
        private ArcResult arc;

        private Builder(String authservId) {
            this.authservId = requireAuthservId(authservId);
        }

        public Builder spf(SpfResult result) {
            this.spf = Objects.requireNonNull(result, "result");
            return this;
        }

        /** DKIM results; an empty list is written as {@code dkim=none}. */
        public Builder dkim(List<DkimResult> results) {
            this.dkim = List.copyOf(results);
            this.dkimSet = true;
            return this;
        }

        public Builder dmarc(DmarcResult result) {
            this.dmarc = Objects.requireNonNull(result, "result");
            return this;
        }

        /** The ARC chain result (the "arc" method RFC 8617 registers). */
        public Builder arc(ArcResult result) {
            this.arc = Objects.requireNonNull(result, "result");
            return this;
        }

        /** The field value (what follows "Authentication-Results:"), folded with CRLF TAB. */
        public String buildValue() {
            List<String> parts = new ArrayList<>();
            if (spf != null) {
                parts.add(spfPart(spf));
            }
            if (dkimSet) {
                if (dkim.isEmpty()) {
                    parts.add("dkim=none");
                }
                for (DkimResult r : dkim) {
                    parts.add(dkimPart(r));
                }
            }
            if (dmarc != null) {
                parts.add(dmarcPart(dmarc));
            }
            if (arc != null && arc.status() != ArcResult.Status.NONE) {
                // Most mail carries no ARC set; "arc=none" on all of it would only be noise.
                parts.add(arcPart(arc));
            }
            if (parts.isEmpty()) {
                return authservId + "; none";
            }
            return authservId + ";" + FOLD + String.join(";" + FOLD, parts);
        }

        /** The whole field, name included, without the final CRLF. */
        public String buildField() {
            return FIELD_NAME + ": " + buildValue();
        }

        private static String spfPart(SpfResult r) {
            StringBuilder sb = new StringBuilder("spf=").append(r.status().token());
            comment(sb, r.reason());
            r.domain().ifPresent(d -> {
                if (r.identity() == SpfResult.Identity.HELO) {
                    sb.append(" smtp.helo=").append(d.ascii());
                } else {
                    // The domain only: the local part of MAIL FROM is personal data we need not spread.
                    sb.append(" smtp.mailfrom=").append(d.ascii());
                }
            });
            return sb.toString();
        }

        private static String dkimPart(DkimResult r) {
            StringBuilder sb = new StringBuilder("dkim=").append(r.status().token());
            String reason = r.reason();
            if (r.testing()) {
                reason = reason.isEmpty() ? "test key" : reason + ", test key";
            }
            comment(sb, reason);
            r.domain().ifPresent(d -> sb.append(" header.d=").append(d.ascii()));
            if (TOKEN.matcher(r.selector()).matches()) {
                sb.append(" header.s=").append(r.selector());
            }
            if (TOKEN.matcher(r.algorithm()).matches()) {
                sb.append(" header.a=").append(r.algorithm());
            }
            if (BASE64.matcher(r.signaturePrefix()).matches()) {
                sb.append(" header.b=\"").append(r.signaturePrefix()).append('"');
            }
            return sb.toString();
        }

        private static String dmarcPart(DmarcResult r) {
            StringBuilder sb = new StringBuilder("dmarc=").append(r.status().token());
            String detail = "p=" + r.policy().token() + " dis=" + r.disposition().token();
            if (!r.reason().isEmpty()) {
                detail = detail + ", " + r.reason();
            }
            comment(sb, detail);
            r.fromDomain().ifPresent(d -> sb.append(" header.from=").append(d.ascii()));
            return sb.toString();
        }

        private static String arcPart(ArcResult r) {
            StringBuilder sb = new StringBuilder("arc=").append(r.status().token());
            // RFC 8617 §10.1 registers no property naming the sealer, so it goes in the comment.
            StringBuilder detail = new StringBuilder("i=").append(r.instances());
            r.sealer().ifPresent(d -> detail.append(" sealed by ").append(d.ascii()));
            if (!r.reason().isEmpty()) {
                detail.append(", ").append(r.reason());
            }
            comment(sb, detail.toString());
            return sb.toString();
        }

        private static void comment(StringBuilder sb, String text) {
            String clean = sanitizeComment(text);
            if (!clean.isEmpty()) {
                sb.append(" (").append(clean).append(')');
            }
        }
    }

    /** Keeps letters, digits, space and {@code .,=:+/_-}; at most 100 characters. */
    static String sanitizeComment(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length() && sb.length() < 100; i++) {
            char c = text.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || " .,=:+/_-".indexOf(c) >= 0) {
                sb.append(c);
            }
        }
        return sb.toString().strip();
    }
}
