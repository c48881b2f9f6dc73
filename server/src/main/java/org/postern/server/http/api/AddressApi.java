package org.postern.server.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.postern.access.Caller;
import org.postern.auth.Identity;
import org.postern.auth.signin.AuditEvents;
import org.postern.auth.signin.Principal;
import org.postern.mail.directory.AddressNames;
import org.postern.mail.directory.AddressView;
import org.postern.mail.directory.Directory;
import org.postern.mail.directory.ReceivedCount;
import org.postern.model.AddressId;
import org.postern.model.DomainName;
import org.postern.model.EmailAddress;
import org.postern.model.InvalidInputException;
import org.postern.store.Domain;

/**
 * A user's own domains and addresses: {@code /api/v1/domains} and {@code /api/v1/addresses}.
 * A full session, or an API token with scope "manage-addresses". Every call acts in the caller's
 * own scope, so another user's or another tenant's address is "not found"; every change is audited.
 */
public final class AddressApi {
    static final String SCOPE = "manage-addresses";

    private final Identity identity;
    private final Directory directory;
    private final ApiAuth auth;
    private final AddressNames names = new AddressNames(new SecureRandom());

    public AddressApi(Identity identity, Directory directory) {
        this.identity = identity;
        this.directory = directory;
        this.auth = new ApiAuth(identity);
    }

    public void register(RoutesConfig routes) {
        routes.get(IdentityApi.PREFIX + "/domains", this::domains);
        routes.get(IdentityApi.PREFIX + "/addresses", this::addresses);
        routes.post(IdentityApi.PREFIX + "/addresses", this::create);
        routes.get(IdentityApi.PREFIX + "/addresses/{id}", this::address);
        routes.post(IdentityApi.PREFIX + "/addresses/{id}/revoke", this::revoke);
        routes.post(IdentityApi.PREFIX + "/addresses/{id}/suspend", this::suspend);
        routes.post(IdentityApi.PREFIX + "/addresses/{id}/reinstate", this::reinstate);
    }

    private Caller.User caller(Context ctx) {
        Principal p = auth.principal(ctx);
        p.requireApiScope(SCOPE);
        return p.caller();
    }

    private void domains(Context ctx) {
        Caller.User user = caller(ctx);
        ArrayNode list = ApiJson.MAPPER.createArrayNode();
        for (Domain d : directory.ownDomains(user)) {
            list.addObject().put("name", d.name().toString());
        }
        ApiJson.send(ctx, 200, ApiJson.object().set("domains", list));
    }

    private void addresses(Context ctx) {
        Caller.User user = caller(ctx);
        ArrayNode list = ApiJson.MAPPER.createArrayNode();
        Map<AddressId, ReceivedCount> counts = directory.ownReceivedCounts(user);
        directory.ownAddresses(user).forEach(a -> list.add(json(a, counts)));
        ApiJson.send(ctx, 200, ApiJson.object().set("addresses", list));
    }

    private void address(Context ctx) {
        Caller.User user = caller(ctx);
        AddressView a = directory.ownAddress(user, id(ctx));
        ApiJson.send(ctx, 200, json(a, directory.ownReceivedCounts(user)));
    }

    private void create(Context ctx) {
        Caller.User user = caller(ctx);
        JsonNode body = ApiJson.body(ctx);
        DomainName domain = DomainName.parse(ApiJson.text(body, "domain"));
        Optional<String> localPart = ApiJson.optionalText(body, "local_part");
        Optional<String> generate = ApiJson.optionalText(body, "generate");
        Optional<String> note = ApiJson.optionalText(body, "note");
        AddressView created;
        if (localPart.isPresent() == generate.isPresent()) {
            throw new InvalidInputException("give either local_part or generate");
        } else if (localPart.isPresent()) {
            String local = localPart.get();
            if (local.contains("@")) {
                throw new InvalidInputException("local_part must not contain @");
            }
            created = directory.createOwnAddress(user, EmailAddress.parse(local + "@" + domain), note);
        } else {
            AddressNames.Style style = AddressNames.Style.parse(generate.get());
            created = directory.createGeneratedAddress(user, domain, () -> names.next(style), note);
        }
        audit(ctx, user, "address.create", created);
        ApiJson.send(ctx, 201, json(created));
    }

    private void revoke(Context ctx) {
        Caller.User user = caller(ctx);
        AddressView revoked = directory.revokeOwnAddress(user, id(ctx));
        audit(ctx, user, "address.revoke", revoked);
        ApiJson.send(ctx, 200, json(revoked));
    }

    private void suspend(Context ctx) {
        Caller.User user = caller(ctx);
        AddressView suspended = directory.suspendOwnAddress(user, id(ctx));
        audit(ctx, user, "address.suspend", suspended);
        ApiJson.send(ctx, 200, json(suspended));
    }

    private void reinstate(Context ctx) {
        Caller.User user = caller(ctx);
        AddressView reinstated = directory.reinstateOwnAddress(user, id(ctx));
        audit(ctx, user, "address.reinstate", reinstated);
        ApiJson.send(ctx, 200, json(reinstated));
    }

    private void audit(Context ctx, Caller.User user, String action, AddressView address) {
        identity.audit().record(AuditEvents.about(user.tenantId(), user.userId(), AuditEvents.actor(user), action,
                "success", ApiAuth.client(ctx), Map.of("address", address.address().toString())));
    }

    private static AddressId id(Context ctx) {
        return AddressId.parse(ctx.pathParam("id"));
    }

    /**
     * With {@code received_count} and {@code last_received}: live messages delivered to the address
     * (counted in SQL in the caller's own scope) and when the latest arrived.
     */
    static ObjectNode json(AddressView a, Map<AddressId, ReceivedCount> counts) {
        ObjectNode n = json(a);
        ReceivedCount c = counts.get(a.id());
        n.put("received_count", c == null ? 0 : c.received());
        n.put("last_received", c == null ? null : c.lastReceived().toString());
        return n;
    }

    static ObjectNode json(AddressView a) {
        ObjectNode n = ApiJson.object()
                .put("id", a.id().toString())
                .put("address", a.address().toString())
                .put("state", a.state().name().toLowerCase(Locale.ROOT))
                .put("created", a.createdAt().toString());
        n.put("note", a.note().orElse(null));
        n.put("revoked", a.revokedAt().map(Object::toString).orElse(null));
        return n;
    }
}
