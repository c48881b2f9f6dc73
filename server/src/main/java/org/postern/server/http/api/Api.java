package org.postern.server.http.api;

import io.javalin.config.RoutesConfig;
import org.postern.auth.Identity;
import org.postern.mail.directory.Directory;
import org.postern.mta.outbound.OutboundQueue;

/** Declares every API route on the HTTPS listener. */
public final class Api {
    private Api() {}

    public static void register(RoutesConfig routes, Identity identity, Directory directory, OutboundQueue queue) {
        ApiErrors.register(routes);
        new IdentityApi(identity).register(routes);
        new AdminApi(identity).register(routes);
        new AddressApi(identity, directory).register(routes);
        new QueueApi(identity, queue).register(routes);
    }
}
