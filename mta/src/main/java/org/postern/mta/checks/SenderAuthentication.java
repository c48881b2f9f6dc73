package org.postern.mta.checks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.postern.mta.checks.DmarcResult.Policy;
import org.postern.mta.checks.SenderVerdict.Action;
import org.postern.model.DomainName;
import org.postern.model.Redact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender-authentication facade for intake: SPF, DKIM, DMARC and ARC on one message, the
 * Authentication-Results value, and a recommended action. DMARC decides the action: reject for
 * a failing p=reject (after pct=) or a From header that is not exactly one address, junk for
 * quarantine, defer (4xx) when DNS failed where it mattered; SPF and DKIM alone never refuse
 * mail, and the ARC result is reported only (no sealer is trusted to override DMARC). Recipient domains in {@link Mode#MONITOR} always get {@link Action#DELIVER} with the same
 * results and header, so a domain can watch before it enforces. Thread-safe; never throws for
 * anything the message, the envelope or DNS contain.
 */
public final class SenderAuthentication {
    private static final Logger LOG = LoggerFactory.getLogger(SenderAuthentication.class);

    static final String REPLY_DMARC_REJECT = "550 5.7.1 Message rejected: it fails the DMARC policy of its From domain";
    static final String REPLY_FROM_INVALID = "550 5.7.1 Message rejected: the From header must hold exactly one valid address";
    static final String REPLY_HEADER_TOO_LARGE = "552 5.3.4 Message rejected: header section too large";
    static final String REPLY_DEFER = "451 4.4.3 Temporary failure checking the sender, please try again later";

    /** How a recipient domain applies the recommendation. */
    public enum Mode {
        /** Act on DMARC: junk, reject or defer as the verdict says. */
        ENFORCE,
        /** Never reject, defer or junk: results and header only (a rollout or observation phase). */
        MONITOR
    }

    /**
     * Configuration.
     *
     * @param authservId our host name, the authserv-id of the Authentication-Results we write
     * @param defaultMode the mode of recipient domains not listed
     * @param recipientDomainModes per recipient domain overrides
     * @param dkimLimits DKIM bounds; its maxHeaderBytes also caps the header block read for DMARC
     */
    public record Settings(String authservId, Mode defaultMode, Map<DomainName, Mode> recipientDomainModes,
            DkimVerifier.Limits dkimLimits) {
        public Settings {
            authservId = AuthenticationResults.requireAuthservId(authservId);
            Objects.requireNonNull(defaultMode, "defaultMode");
            recipientDomainModes = Map.copyOf(recipientDomainModes);
            Objects.requireNonNull(dkimLimits, "dkimLimits");
        }

        /** Enforce everywhere, default DKIM limits. */
        public static Settings enforcing(String authservId) {
            return new Settings(authservId, Mode.ENFORCE, Map.of(), DkimVerifier.Limits.defaults());
        }

        public Settings withRecipientDomainModes(Map<DomainName, Mode> modes) {
            return new Settings(authservId, defaultMode, modes, dkimLimits);
        }

        public Settings withDefaultMode(Mode mode) {
            return new Settings(authservId, mode, recipientDomainModes, dkimLimits);
        }
    }

    private final Settings settings;
    private final SpfCheck spf;
    private final DkimVerifier dkim;
    private final ArcVerifier arc;
    private final DmarcEvaluator dmarc;
    private final ForgedHeaderFilter forgedHeaders;

    /** With the bundled public suffix list, the system clock and a SecureRandom for pct=. */
    public SenderAuthentication(Settings settings, DnsResolver resolver) {
        this(settings, resolver, PublicSuffixList.bundled(), Clock.systemUTC(), new SecureRandom());
    }

    /**
     * @param random draws DMARC pct= samples; must be thread-safe if checks run concurrently
     */
    public SenderAuthentication(Settings settings, DnsResolver resolver, PublicSuffixList suffixes, Clock clock,
            RandomGenerator random) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.spf = new SpfCheck(resolver);
        this.dkim = new DkimVerifier(resolver, settings.dkimLimits(), clock);
        this.arc = new ArcVerifier(resolver);
        this.dmarc = new DmarcEvaluator(resolver, suffixes, random);
        this.forgedHeaders = new ForgedHeaderFilter(settings.authservId());
    }

    /** The filter for Authentication-Results fields that claim our authserv-id. */
    public ForgedHeaderFilter forgedHeaderFilter() {
        return forgedHeaders;
    }

    /** Checks a message for the default mode (no recipient domain given). */
    public SenderVerdict check(InetAddress ip, String heloName, String mailFrom, MessageSource message) {
        return check(ip, heloName, mailFrom, List.of(), message);
    }

    /**
     * Checks a message.
     *
     * @param ip the SMTP client's address
     * @param heloName the HELO/EHLO argument (may be null)
     * @param mailFrom the MAIL FROM address without brackets; null or empty for the null reverse-path
     * @param recipientDomains the domains of the accepted recipients; if any is in {@link
     *     Mode#MONITOR} the whole transaction is (one SMTP reply serves all recipients)
     * @param message the message, opened exactly once
     */
    public SenderVerdict check(InetAddress ip, String heloName, String mailFrom,
            Collection<DomainName> recipientDomains, MessageSource message) {
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(recipientDomains, "recipientDomains");
        Objects.requireNonNull(message, "message");
        SpfResult spfResult = spf.check(ip, heloName, mailFrom);
        List<DkimResult> dkimResults;
        DmarcResult dmarcResult;
        ArcResult arcResult;
        try (InputStream raw = message.open(); InputStream in = new BufferedInputStream(raw, 16 * 1024)) {
            HeaderBlock headers = HeaderBlock.read(in, settings.dkimLimits().maxHeaderBytes());
            ArcVerifier.Pending chain = arc.begin(headers);
            InputStream body = chain.body(in);
            dkimResults = dkim.verify(headers, body);
            arcResult = chain.finish(body);
            dmarcResult = dmarc.evaluate(headers, spfResult, dkimResults);
        } catch (HeaderBlock.TooLargeException e) {
            dkimResults = List.of(DkimVerifier.headerTooLarge());
            arcResult = ArcResult.fail(0, Optional.empty(), "header block too large");
            dmarcResult = DmarcEvaluator.fromProblem("header block too large");
        } catch (IOException | RuntimeException e) {
            LOG.warn("sender authentication could not read the message: {}", e.getClass().getSimpleName());
            dkimResults = List.of(DkimVerifier.unreadable());
            arcResult = ArcResult.fail(0, Optional.empty(), "message could not be read");
            dmarcResult = new DmarcResult(DmarcResult.Status.TEMPERROR, Optional.empty(), Optional.empty(),
                    Policy.NONE, Policy.NONE, false, false, "message could not be read");
        }
        String header = AuthenticationResults.builder(settings.authservId())
                .spf(spfResult).dkim(dkimResults).dmarc(dmarcResult).arc(arcResult).buildValue();
        Mode mode = modeFor(recipientDomains);
        Action action = Action.DELIVER;
        String reply = "";
        if (mode == Mode.ENFORCE) {
            action = actionFor(dmarcResult);
            reply = replyFor(action, dmarcResult);
        }
        SenderVerdict verdict = new SenderVerdict(spfResult, dkimResults, dmarcResult, arcResult, header, mode, action, reply);
        // The caller logs the verdict on its one line per message (SenderVerdict.logFields); this
        // fuller line, with the sender's domain and HELO, is for debugging.
        if (LOG.isDebugEnabled()) {
            LOG.debug("sender authentication: mailfrom={} helo={} {} action={}",
                    mailFrom == null || mailFrom.isBlank() ? "<>" : Redact.address(mailFrom), logSafe(heloName),
                    verdict.logFields(), action);
        }
        return verdict;
    }

    /** The mode for a set of recipient domains: MONITOR if any of them is. */
    public Mode modeFor(Collection<DomainName> recipientDomains) {
        if (recipientDomains.isEmpty()) {
            return settings.defaultMode();
        }
        for (DomainName d : recipientDomains) {
            if (settings.recipientDomainModes().getOrDefault(d, settings.defaultMode()) == Mode.MONITOR) {
                return Mode.MONITOR;
            }
        }
        return Mode.ENFORCE;
    }

    static Action actionFor(DmarcResult dmarc) {
        if (dmarc.disposition() == Policy.REJECT) {
            return Action.REJECT;
        }
        if (dmarc.disposition() == Policy.QUARANTINE) {
            return Action.JUNK;
        }
        if (dmarc.status() == DmarcResult.Status.TEMPERROR) {
            return Action.DEFER;
        }
        return Action.DELIVER;
    }

    private static String replyFor(Action action, DmarcResult dmarc) {
        return switch (action) {
            case REJECT -> dmarc.status() == DmarcResult.Status.FAIL
                    ? REPLY_DMARC_REJECT
                    : dmarc.reason().equals("header block too large") ? REPLY_HEADER_TOO_LARGE : REPLY_FROM_INVALID;
            case DEFER -> REPLY_DEFER;
            default -> "";
        };
    }

    /** Untrusted text for a log line: a short run of host-name characters only. */
    // Compiled once: this runs for every message.
    private static final java.util.regex.Pattern NOT_LOG_SAFE = java.util.regex.Pattern.compile("[^A-Za-z0-9.:\\[\\]_*@-]");

    private static String logSafe(String text) {
        if (text == null) {
            return "-";
        }
        String clean = NOT_LOG_SAFE.matcher(Redact.text(text)).replaceAll("?");
        return clean.length() > 64 ? clean.substring(0, 64) + "..." : clean;
    }
}
