package org.postern.server.http.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import org.postern.access.Caller;
import org.postern.auth.Identity;
import org.postern.auth.signin.Principal;
import org.postern.mail.directory.Directory;
import org.postern.model.AccessDeniedException;
import org.postern.model.DomainId;
import org.postern.model.NotFoundException;
import org.postern.mta.checks.DnsResolver;
import org.postern.mta.dkim.DkimKeys;
import org.postern.mta.dns.DnsRecord;
import org.postern.mta.dns.DomainRecords;
import org.postern.mta.dns.MtaStsPolicy;
import org.postern.mta.dnscheck.PublishedRecords;
import org.postern.store.DkimKey;
import org.postern.store.Domain;

/**
 * {@code GET /api/v1/admin/domains/{id}/dns}: the records a domain must publish (the same list
 * {@code ./postern dns} prints) and, for each, whether the server's resolver finds it right now.
 * A domain the caller does not administer is "not found", exactly as one that does not exist; the
 * domain and its DKIM keys are read through the access policy with the caller. All lookups of one
 * request share the resolver's per-check time and query budget, and a lookup that fails is
 * reported as {@code lookup_failed}, never as an error.
 */
public final class DomainDnsApi {
    private static final String PREFIX = IdentityApi.PREFIX + "/admin/domains";

    private final Directory directory;
    private final DkimKeys dkimKeys;
    private final String hostname;
    private final PublishedRecords published;
    private final Clock clock;
    private final ApiAuth auth;

    public DomainDnsApi(Identity identity, Directory directory, DkimKeys dkimKeys, String hostname, DnsResolver resolver,
            Clock clock) {
        this.directory = directory;
        this.dkimKeys = dkimKeys;
        this.hostname = hostname;
        this.published = resolver == null ? null : new PublishedRecords(resolver);
        this.clock = clock;
        this.auth = identity == null ? null : new ApiAuth(identity);
    }

    public void register(RoutesConfig routes) {
        routes.get(PREFIX + "/{id}/dns", this::dns);
    }

    private void dns(Context ctx) {
        Caller.User admin = admin(ctx);
        DomainId id = DomainId.parse(ctx.pathParam("id"));
        Domain domain = directory.domains(admin).stream().filter(d -> d.id().equals(id)).findFirst()
                .orElseThrow(() -> new NotFoundException("no such domain"));
        List<DkimKey> keys = dkimKeys.list(admin, domain.name());
        List<DnsRecord> expected = DomainRecords.of(domain.name(), hostname, keys, MtaStsPolicy.forHost(hostname));
        List<PublishedRecords.Result> results = published.check(expected);
        ArrayNode records = ApiJson.MAPPER.createArrayNode();
        for (PublishedRecords.Result r : results) {
            ObjectNode o = records.addObject()
                    .put("name", r.expected().name())
                    .put("type", r.expected().type())
                    .put("value", r.expected().value())
                    .put("purpose", r.expected().purpose())
                    .put("zone_line", r.expected().zoneLine())
                    .put("status", r.status().name().toLowerCase(Locale.ROOT));
            ArrayNode found = o.putArray("found");
            r.found().forEach(found::add);
        }
        ObjectNode body = ApiJson.object();
        body.set("domain", AdminApi.json(domain));
        body.put("hostname", hostname)
                .put("dkim_keys", keys.stream().filter(k -> k.domain().equals(domain.name())).count())
                .put("checked_at", clock.instant().toString())
                .put("zone", DomainRecords.zoneFile(expected));
        body.set("records", records);
        ApiJson.send(ctx, 200, body);
    }

    private Caller.User admin(Context ctx) {
        Principal p = auth.principal(ctx);
        p.requireApiScope("admin");
        if (!p.caller().role().isAdmin()) {
            throw new AccessDeniedException("not an admin");
        }
        return p.caller();
    }
}
