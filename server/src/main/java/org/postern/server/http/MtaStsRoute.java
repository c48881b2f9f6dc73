package org.postern.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.postern.access.Caller;
import org.postern.mail.directory.Directory;
import org.postern.model.DomainName;
import org.postern.model.InvalidInputException;
import org.postern.mta.dns.MtaStsPolicy;

/**
 * Serves the MTA-STS policy (RFC 8461 §3.3) at {@code GET /.well-known/mta-sts.txt} to anyone,
 * without authentication, when the Host header is {@code mta-sts.<a hosted domain>}; any other
 * host gets the listener's ordinary 404, so the route reveals no more than DNS already does.
 */
public final class MtaStsRoute {
    public static final String PATH = "/.well-known/mta-sts.txt";
    private static final String PREFIX = "mta-sts.";
    private static final Caller CALLER = new Caller.System("mta-sts");

    private final Directory directory;
    private final MtaStsPolicy policy;

    public MtaStsRoute(Directory directory, MtaStsPolicy policy) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    public void register(RoutesConfig routes) {
        routes.get(PATH, this::serve);
    }

    private void serve(Context ctx) {
        Optional<DomainName> domain = policyDomain(ctx.header("Host"));
        if (domain.isEmpty() || !directory.hosts(CALLER, domain.get())) {
            throw new io.javalin.http.HttpResponseException(404);
        }
        // RFC 8461 §3.3: text/plain; the policy changes rarely, its id in DNS tells senders when.
        ctx.status(200).contentType("text/plain; charset=utf-8").result(policy.text());
    }

    /** The domain in {@code mta-sts.<domain>[:port]}, or empty for any other Host. */
    static Optional<DomainName> policyDomain(String host) {
        if (host == null || host.length() > 300) {
            return Optional.empty();
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        if (colon >= 0 && h.indexOf(']') < 0) {
            h = h.substring(0, colon);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (!h.startsWith(PREFIX) || h.length() == PREFIX.length()) {
            return Optional.empty();
        }
        try {
            return Optional.of(DomainName.parse(h.substring(PREFIX.length())));
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
    }
}
