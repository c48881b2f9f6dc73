package org.postern.mta.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.postern.model.DomainName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs submitted mail for its author's domain (the From: address's domain, so DMARC aligns) with
 * that domain's active keys. A domain without keys sends unsigned, with a warning in the log (and
 * {@code ./postern audit} names such domains); a key that does not unseal fails the submission
 * (451), since sending it unsigned would hide the damage.
 */
public final class DkimSigning {
    private static final Logger LOG = LoggerFactory.getLogger(DkimSigning.class);

    private final DkimKeys keys;
    private final DkimSigner signer;
    private final Clock clock;

    public DkimSigning(DkimKeys keys, DkimSigner signer, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.signer = Objects.requireNonNull(signer, "signer");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The DKIM-Signature fields (each ending in CRLF) to prepend to {@code message}, which is
     * read to its end; empty when {@code authorDomain} has no active key.
     */
    public List<String> signatures(DomainName authorDomain, InputStream message) throws IOException {
        Objects.requireNonNull(authorDomain, "authorDomain");
        List<SigningKey> active = keys.signingKeys(authorDomain);
        if (active.isEmpty()) {
            LOG.warn("event=dkim.unsigned domain={} reason=no_active_key hint=\"./postern dkim generate {}\"",
                    authorDomain, authorDomain);
            return List.of();
        }
        return signer.sign(message, active, clock.instant());
    }
}
