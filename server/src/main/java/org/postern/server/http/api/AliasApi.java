package org.postern.server.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.postern.access.Caller;
import org.postern.auth.Identity;
import org.postern.auth.signin.AuditEvents;
import org.postern.auth.signin.Principal;
import org.postern.mail.directory.AddressNames;
import org.postern.mail.directory.AddressView;
import org.postern.mail.directory.Directory;
import org.postern.model.DomainName;
import org.postern.model.InvalidInputException;
import org.postern.model.NotFoundException;
import org.postern.store.Domain;

/**
 * Alias generation for password managers, in the two dialects Bitwarden's username generator (and
 * other clients) speak: SimpleLogin's {@code POST /api/alias/random/new} and addy.io's
 * {@code POST /api/v1/aliases}. Both mint a new random address on a domain of the caller's tenant,
 * with a note, for the owner of an API token with scope {@value #SCOPE}; every alias is audited.
 *
 * <p>SECURITY: reachable before authentication; the credential is an API token sent in
 * SimpleLogin's {@code Authentication} header or addy.io's {@code Authorization: Bearer}, checked
 * like every other bearer credential. The token's narrow scope lets a password manager create
 * addresses and nothing else. Names come from a CSPRNG ({@link AddressNames}).
 */
public final class AliasApi {
    static final String SCOPE = "generate-alias";
    static final String SIMPLELOGIN_PATH = "/api/alias/random/new";
    static final String ADDY_PATH = IdentityApi.PREFIX + "/aliases";
    /** Routes that take from the stricter per-address rate limit: a token guess costs as much as a password guess. */
    static final List<String> STRICT_ROUTES = List.of(SIMPLELOGIN_PATH, ADDY_PATH);
    private static final DateTimeFormatter ADDY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SIMPLELOGIN_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssxxx")
            .withZone(ZoneOffset.UTC);
    private static final int MAX_HOSTNAME_CHARS = 253;

    private final Identity identity;
    private final Directory directory;
    private final ApiAuth auth;
    private final SecureRandom random = new SecureRandom();
    private final AddressNames names = new AddressNames(random);

    public AliasApi(Identity identity, Directory directory) {
        this.identity = identity;
        this.directory = directory;
        this.auth = new ApiAuth(identity);
    }

    public void register(RoutesConfig routes) {
        routes.post(SIMPLELOGIN_PATH, this::simpleLogin);
        routes.post(ADDY_PATH, this::addy);
    }

    // ---- SimpleLogin: header "Authentication: <api key>", ?hostname=, ?mode=uuid|word, body {"note": ...}

    private void simpleLogin(Context ctx) {
        String key = ctx.header("Authentication");
        if (key == null || key.isBlank()) {
            throw new ApiErrors.Unauthenticated();
        }
        Caller.User user = caller(auth.bearer(ctx, key.strip()));
        Optional<String> note = Optional.empty();
        if (ctx.contentLength() > 0 || !ctx.body().isEmpty()) {
            note = ApiJson.optionalText(ApiJson.body(ctx), "note");
        }
        Optional<String> hostname = Optional.ofNullable(ctx.queryParam("hostname")).filter(h -> !h.isBlank());
        if (hostname.isPresent() && hostname.get().length() > MAX_HOSTNAME_CHARS) {
            throw new InvalidInputException("hostname is too long");
        }
        Supplier<String> localParts = switch (Optional.ofNullable(ctx.queryParam("mode")).orElse("").toLowerCase(Locale.ROOT)) {
            case "" -> names::random;
            case "uuid" -> this::uuid;
            case "word" -> names::pronounceable;
            default -> throw new InvalidInputException("mode must be uuid or word");
        };
        // SimpleLogin's hostname is the website the alias is for; it chooses the domain only if it is one of ours.
        Optional<String> withSite = note.or(() -> hostname.map(h -> "for " + h));
        AddressView created = create(ctx, user, hostname, localParts, withSite, "simplelogin");
        String address = created.address().toString();
        ObjectNode out = ApiJson.object()
                .put("alias", address)
                .put("email", address)
                .put("id", created.id().toString())
                .put("name", (String) null)
                .put("enabled", true)
                .put("note", created.note().orElse(null))
                .put("creation_date", SIMPLELOGIN_TIME.format(created.createdAt()))
                .put("creation_timestamp", created.createdAt().getEpochSecond())
                .put("nb_forward", 0)
                .put("nb_block", 0)
                .put("nb_reply", 0)
                .put("pinned", false)
                .putNull("latest_activity");
        ApiJson.send(ctx, 201, out);
    }

    // ---- addy.io: "Authorization: Bearer <token>", body {"domain", "description", "format"}

    private void addy(Context ctx) {
        Caller.User user = caller(auth.principal(ctx));
        JsonNode body = ApiJson.body(ctx);
        Optional<String> domain = ApiJson.optionalText(body, "domain");
        Optional<String> description = ApiJson.optionalText(body, "description");
        Supplier<String> localParts = switch (ApiJson.optionalText(body, "format").orElse("random_characters")) {
            case "random_characters" -> names::random;
            case "random_words" -> names::pronounceable;
            case "uuid" -> this::uuid;
            default -> throw new InvalidInputException("format must be uuid, random_characters or random_words");
        };
        AddressView created = create(ctx, user, domain, localParts, description, "addy");
        String address = created.address().toString();
        String at = ADDY_TIME.format(created.createdAt());
        ObjectNode data = ApiJson.object()
                .put("id", created.id().toString())
                .put("user_id", user.userId().toString())
                .put("local_part", created.address().localPart())
                .putNull("extension")
                .put("domain", created.address().domain().toString())
                .put("email", address)
                .put("active", true)
                .put("description", created.note().orElse(null))
                .putNull("from_name")
                .put("emails_forwarded", 0)
                .put("emails_blocked", 0)
                .put("emails_replied", 0)
                .put("emails_sent", 0)
                .put("created_at", at)
                .put("updated_at", at)
                .putNull("deleted_at");
        data.putArray("recipients");
        ObjectNode out = ApiJson.object();
        out.set("data", data);
        ApiJson.send(ctx, 201, out);
    }

    // ---- shared

    private static Caller.User caller(Principal p) {
        p.requireApiScope(SCOPE);
        return p.caller();
    }

    /** A new address on {@code wanted} if it is one of the tenant's domains, else on the tenant's first. */
    private AddressView create(Context ctx, Caller.User user, Optional<String> wanted, Supplier<String> localParts,
            Optional<String> note, String dialect) {
        List<Domain> domains = directory.ownDomains(user);
        if (domains.isEmpty()) {
            throw new NotFoundException("the tenant has no domain");
        }
        DomainName domain = wanted.flatMap(w -> domains.stream()
                        .filter(d -> d.name().toString().equalsIgnoreCase(w.strip()))
                        .findFirst())
                .orElse(domains.getFirst()).name();
        Optional<String> trimmed = note.map(String::strip).filter(n -> !n.isEmpty())
                .map(n -> n.length() > Directory.MAX_NOTE_CHARS ? n.substring(0, Directory.MAX_NOTE_CHARS) : n);
        AddressView created = directory.createGeneratedAddress(user, domain, localParts, trimmed);
        identity.audit().record(AuditEvents.about(user.tenantId(), user.userId(), AuditEvents.actor(user), "address.create",
                "success", ApiAuth.client(ctx), Map.of("address", created.address().toString(), "via", dialect)));
        return created;
    }

    /** A version-4 UUID from the CSPRNG, as addy.io's and SimpleLogin's "uuid" names are. */
    private String uuid() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        b[6] = (byte) ((b[6] & 0x0f) | 0x40);
        b[8] = (byte) ((b[8] & 0x3f) | 0x80);
        String hex = java.util.HexFormat.of().formatHex(b);
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-" + hex.substring(16, 20)
                + "-" + hex.substring(20);
    }
}
