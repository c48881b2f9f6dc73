package org.postern.access;

import org.postern.model.Role;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/** Who is asking. Produced by authentication (users) or by the wiring (operator, system components). */
public sealed interface Caller {

    /** The operator at the local command line: owns the deployment and everything in it. */
    record Operator() implements Caller {}

    /** A signed-in user, acting within their own tenant. */
    record User(TenantId tenantId, UserId userId, Role role) implements Caller {}

    /**
     * A part of Postern acting on its own account, such as SMTP intake resolving a recipient or
     * the retention job purging old mail. The component name goes into audit events.
     */
    record System(String component) implements Caller {}
}
