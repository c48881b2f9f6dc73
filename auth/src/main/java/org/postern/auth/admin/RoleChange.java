package org.postern.auth.admin;

import java.util.Map;
import org.postern.access.Caller;
import org.postern.auth.audit.AuditLog;
import org.postern.auth.session.Sessions;
import org.postern.auth.signin.AuditEvents;
import org.postern.auth.signin.ClientInfo;
import org.postern.mail.directory.Directory;
import org.postern.model.EmailAddress;
import org.postern.model.Role;
import org.postern.store.User;

/**
 * An admin changes a user's role. Access tokens carry the role, so the user's sessions end: the
 * new role applies from their next sign-in, and the old one is not usable for up to a token's life.
 */
public final class RoleChange {
    private final Directory directory;
    private final Sessions sessions;
    private final AuditLog audit;

    public RoleChange(Directory directory, Sessions sessions, AuditLog audit) {
        this.directory = directory;
        this.sessions = sessions;
        this.audit = audit;
    }

    public User change(Caller admin, EmailAddress login, Role role, ClientInfo client) {
        Role before = directory.user(admin, login).map(User::role).orElse(null);
        User changed = directory.setRole(admin, login, role);
        int ended = sessions.endAllOf(admin, changed.id(), client);
        audit.record(AuditEvents.about(changed, AuditEvents.actor(admin), "user.role", "success", client,
                Map.of("role", role.label(), "was", before == null ? "-" : before.label(),
                        "sessions_ended", Integer.toString(ended))));
        return changed;
    }
}
