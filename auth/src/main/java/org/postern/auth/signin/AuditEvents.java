package org.postern.auth.signin;

import java.util.Map;
import java.util.Optional;
import org.postern.access.Caller;
import org.postern.auth.audit.AuditEvent;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.User;

/** Builds audit events the same way everywhere: who acted, about whom, from where. Never secrets. */
public final class AuditEvents {
    private AuditEvents() {}

    public static AuditEvent about(User subject, String actor, String action, String outcome, ClientInfo client,
            Map<String, String> details) {
        return new AuditEvent(Optional.of(subject.tenantId()), Optional.of(subject.id()), actor, action, outcome,
                client.ip(), client.userAgent(), details);
    }

    public static AuditEvent about(TenantId tenant, UserId subject, String actor, String action, String outcome,
            ClientInfo client, Map<String, String> details) {
        return new AuditEvent(Optional.of(tenant), Optional.of(subject), actor, action, outcome, client.ip(),
                client.userAgent(), details);
    }

    /** An event about the user by the user. */
    public static AuditEvent self(User subject, String action, String outcome, ClientInfo client,
            Map<String, String> details) {
        return about(subject, actor(subject.id()), action, outcome, client, details);
    }

    /** An event with no known subject (a sign-in for an account that does not exist). */
    public static AuditEvent anonymous(String action, String outcome, ClientInfo client, Map<String, String> details) {
        return new AuditEvent(Optional.empty(), Optional.empty(), "anonymous", action, outcome, client.ip(),
                client.userAgent(), details);
    }

    public static String actor(UserId user) {
        return "user:" + user;
    }

    public static String actor(Caller caller) {
        return switch (caller) {
            case Caller.Operator o -> "operator";
            case Caller.System s -> "system:" + s.component();
            case Caller.User u -> actor(u.userId());
        };
    }
}
