package org.postern.server.http.api;

import io.javalin.config.RoutesConfig;
import org.postern.auth.Identity;

/** Declares every API route on the HTTPS listener. */
public final class Api {
    private Api() {}

    public static void register(RoutesConfig routes, Identity identity) {
        ApiErrors.register(routes);
        new IdentityApi(identity).register(routes);
        new AdminApi(identity).register(routes);
    }
}
