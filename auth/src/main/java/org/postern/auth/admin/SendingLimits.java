package org.postern.auth.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.auth.audit.AuditEvent;
import org.postern.auth.audit.AuditLog;
import org.postern.auth.signin.AuditEvents;
import org.postern.auth.signin.ClientInfo;
import org.postern.model.InvalidInputException;
import org.postern.model.Role;
import org.postern.model.SubmissionLimits;
import org.postern.model.TenantId;
import org.postern.store.MetadataStore;
import org.postern.store.TenantLimits;

/**
 * The submission limits a tenant's users send under: the server's defaults (configuration) with
 * the tenant's overrides on top. Server admins and the operator may set any value within the
 * limits' bounds, above the server's defaults too. A tenant admin may only tighten their own
 * tenant: each value at most the server's default (the ceiling), or kept as it already is (so a
 * server admin's grant survives the tenant admin's edit of another field); an empty value goes
 * back to the server's default. Every change is audited in the tenant's log, in the same
 * transaction. Effective limits are read from storage on every call, so a change applies to the
 * next submission without a restart.
 */
public final class SendingLimits {
    private static final Caller LOOKUP = new Caller.System("submission-limits");

    private final MetadataStore store;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final SubmissionLimits server;

    /** @param server the configuration's limits: the defaults, and the ceiling for tenant admins */
    public SendingLimits(MetadataStore store, AccessPolicy policy, AuditLog audit, SubmissionLimits server) {
        this.store = Objects.requireNonNull(store, "store");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.server = Objects.requireNonNull(server, "server");
    }

    /** A tenant's overrides, what is in force, and the server's defaults. */
    public record View(TenantLimits overrides, SubmissionLimits effective, SubmissionLimits server) {}

    public SubmissionLimits server() {
        return server;
    }

    /**
     * The limits in force for a tenant's users, for the submission path. Storage failures throw:
     * the caller refuses the submission (temporary failure) rather than guess.
     */
    public SubmissionLimits effective(TenantId tenant) {
        Scope scope = policy.scopeFor(LOOKUP);
        return store.inTransaction(tx -> tx.tenantLimits().get(scope, tenant)).over(server);
    }

    /** For an admin of the tenant (tenant admin, server admin, operator); anyone else gets "not found". */
    public View view(Caller caller, TenantId tenant) {
        Scope scope = policy.tenantScope(caller, tenant);
        TenantLimits overrides = store.inTransaction(tx -> tx.tenantLimits().get(scope, tenant));
        return new View(overrides, overrides.over(server), server);
    }

    /**
     * Replaces the tenant's overrides with {@code requested} (an empty value: the server's default).
     *
     * @throws InvalidInputException naming the field when a tenant admin asks for more than the ceiling
     */
    public View set(Caller admin, TenantId tenant, TenantLimits requested, ClientInfo client) {
        Objects.requireNonNull(requested, "requested");
        if (!requested.tenantId().equals(tenant)) {
            throw new IllegalArgumentException("limits for another tenant");
        }
        Scope scope = policy.tenantScope(admin, tenant);
        boolean ceiling = admin instanceof Caller.User u && u.role() != Role.SERVER_ADMIN;
        TenantLimits saved = store.inTransaction(tx -> {
            TenantLimits before = tx.tenantLimits().get(scope, tenant);
            if (ceiling) {
                checkCeiling("max_message_bytes", before.maxMessageBytes(), requested.maxMessageBytes(),
                        server.maxMessageBytes());
                checkCeiling("max_recipients", asLong(before.maxRecipients()), asLong(requested.maxRecipients()),
                        server.maxRecipients());
                checkCeiling("messages_per_hour", asLong(before.messagesPerHour()),
                        asLong(requested.messagesPerHour()), server.messagesPerHour());
            }
            if (requested.equals(before)) {
                return before; // nothing changes, nothing to audit
            }
            tx.tenantLimits().save(scope, requested);
            Map<String, String> details = new LinkedHashMap<>();
            details.put("max_message_bytes", shown(requested.maxMessageBytes()));
            details.put("max_recipients", shown(asLong(requested.maxRecipients())));
            details.put("messages_per_hour", shown(asLong(requested.messagesPerHour())));
            details.put("was_max_message_bytes", shown(before.maxMessageBytes()));
            details.put("was_max_recipients", shown(asLong(before.maxRecipients())));
            details.put("was_messages_per_hour", shown(asLong(before.messagesPerHour())));
            audit.record(tx, new AuditEvent(Optional.of(tenant), Optional.empty(), AuditEvents.actor(admin),
                    "tenant.submission_limits", "success", client.ip(), client.userAgent(), details));
            return requested;
        });
        return new View(saved, saved.over(server), server);
    }

    private static void checkCeiling(String field, OptionalLong before, OptionalLong requested, long ceiling) {
        if (requested.isPresent() && requested.getAsLong() > ceiling && !requested.equals(before)) {
            throw new InvalidInputException(field + " may be at most " + ceiling
                    + " (the server's limit); only a server admin may raise it");
        }
    }

    private static OptionalLong asLong(OptionalInt value) {
        return value.isPresent() ? OptionalLong.of(value.getAsInt()) : OptionalLong.empty();
    }

    private static String shown(OptionalLong value) {
        return value.isPresent() ? Long.toString(value.getAsLong()) : "default";
    }
}
