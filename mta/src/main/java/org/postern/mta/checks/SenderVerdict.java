package org.postern.mta.checks;

import java.util.List;
import java.util.Objects;

/**
 * Everything sender authentication concluded about one message.
 *
 * @param spf the SPF result
 * @param dkim one result per evaluated DKIM signature, in header order (empty: unsigned)
 * @param dmarc the DMARC result
 * @param arc the ARC chain validation result (reported, never acted on)
 * @param authenticationResults the Authentication-Results field value to prepend (see
 *     {@link AuthenticationResults#FIELD_NAME}), folded with CRLF TAB, without the final CRLF
 * @param mode the mode that decided {@code action}
 * @param action what to do with the message
 * @param smtpReply for {@link Action#REJECT} and {@link Action#DEFER}, the complete SMTP reply
 *     line (code, enhanced code, text; no CRLF); empty otherwise
 */
public record SenderVerdict(
        SpfResult spf,
        List<DkimResult> dkim,
        DmarcResult dmarc,
        ArcResult arc,
        String authenticationResults,
        SenderAuthentication.Mode mode,
        Action action,
        String smtpReply) {

    /** What intake should do with the message. */
    public enum Action {
        /** Deliver to the inbox. */
        DELIVER,
        /** Deliver to the junk folder (DMARC quarantine). */
        JUNK,
        /** Refuse for now with a 4xx reply: a check could not complete (DNS failure); the sender retries. */
        DEFER,
        /** Refuse with a 5xx reply (DMARC reject, or a From header that is not exactly one address). */
        REJECT
    }

    public SenderVerdict {
        Objects.requireNonNull(spf, "spf");
        dkim = List.copyOf(dkim);
        Objects.requireNonNull(dmarc, "dmarc");
        Objects.requireNonNull(arc, "arc");
        Objects.requireNonNull(authenticationResults, "authenticationResults");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(action, "action");
        smtpReply = smtpReply == null ? "" : smtpReply;
        if ((action == Action.REJECT || action == Action.DEFER) == smtpReply.isEmpty()) {
            throw new IllegalArgumentException("a reply text goes with REJECT and DEFER only");
        }
    }

    /**
     * The outcome as log fields ({@code spf=pass dkim=none dmarc=pass from=example.org}), for the
     * one line the SMTP session logs per message: tokens and domain names only, never an address.
     */
    public String logFields() {
        StringBuilder sb = new StringBuilder(96).append("spf=").append(spf.status().token()).append(" dkim=");
        if (dkim.isEmpty()) {
            sb.append("none");
        }
        for (int i = 0; i < dkim.size(); i++) {
            DkimResult r = dkim.get(i);
            sb.append(i == 0 ? "" : ",").append(r.status().token()).append(':')
                    .append(r.domain().map(org.postern.model.DomainName::ascii).orElse("-"));
        }
        return sb.append(" dmarc=").append(dmarc.status().token()).append(" from=")
                .append(dmarc.fromDomain().map(org.postern.model.DomainName::ascii).orElse("-"))
                .append(arc.status() == ArcResult.Status.NONE ? "" : " arc=" + arc.status().token())
                .append(" mode=").append(mode).toString();
    }
}
