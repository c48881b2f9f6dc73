package org.postern.server.cli;

import java.util.Map;
import java.util.Optional;
import org.postern.access.Caller;
import org.postern.auth.audit.AuditEvent;
import org.postern.model.EmailAddress;
import org.postern.model.TenantId;
import org.postern.server.Postern;
import org.postern.store.User;

/** Puts the operator's administrative acts into the audit log, like the API's admin acts. */
final class OperatorAudit {
    private OperatorAudit() {}

    /** An act about one account (it appears in that user's own log too). */
    static void aboutUser(Postern p, EmailAddress login, String action, Map<String, String> details) {
        Optional<User> user = p.directory().user(new Caller.Operator(), login);
        p.identity().audit().record(new AuditEvent(user.map(User::tenantId), user.map(User::id), "operator", action,
                "success", "local", "postern-cli", details));
    }

    static void aboutTenant(Postern p, Optional<TenantId> tenant, String action, Map<String, String> details) {
        p.identity().audit().record(new AuditEvent(tenant, Optional.empty(), "operator", action, "success", "local",
                "postern-cli", details));
    }
}
