package org.postern.server.http.api;

import io.javalin.config.RoutesConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.postern.auth.Identity;
import org.postern.auth.admin.SendingLimits;
import org.postern.mail.directory.Directory;
import org.postern.mail.webmail.Webmail;
import org.postern.mta.outbound.OutboundQueue;

/** Declares every API route on the HTTPS listener. */
public final class Api {
    /**
     * Routes that also take from the stricter per-address rate limit: everything that checks a
     * password, a code or a token an attacker could guess.
     */
    public static final Set<String> STRICT_ROUTES = strictRoutes();

    private Api() {}

    public static void register(RoutesConfig routes, Identity identity, Directory directory, Webmail webmail,
            OutboundQueue queue, SendApi send, SendingLimits sendingLimits, DomainDnsApi domainDns) {
        ApiErrors.register(routes);
        OpenApiDocument.register(routes);
        new IdentityApi(identity).register(routes);
        new AdminApi(identity, directory, sendingLimits).register(routes);
        new AddressApi(identity, directory).register(routes);
        new AliasApi(identity, directory).register(routes);
        new MailApi(identity, webmail).register(routes);
        new QueueApi(identity, queue).register(routes);
        domainDns.register(routes);
        send.register(routes);
    }

    private static Set<String> strictRoutes() {
        Set<String> out = new HashSet<>();
        for (String path : List.of("/auth/sign-in", "/auth/sign-in/second-factor", "/auth/refresh", "/auth/recovery",
                "/auth/recovery/complete", "/auth/invites/accept", "/auth/verify-email")) {
            out.add(IdentityApi.PREFIX + path);
        }
        out.addAll(AliasApi.STRICT_ROUTES);
        return Set.copyOf(out);
    }
}
