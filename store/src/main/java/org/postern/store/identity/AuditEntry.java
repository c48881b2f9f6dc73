package org.postern.store.identity;

import java.time.Instant;
import java.util.Optional;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/**
 * One audit log entry. Entries form a chain: {@code hash} covers {@code prevHash} and every other
 * field, so editing or deleting an entry breaks every later link (see the audit package of auth).
 *
 * @param seq 1, 2, 3, ... without gaps
 * @param subject the user the event is about (whose log it appears in), if any
 * @param actor who acted: "operator", "system:&lt;component&gt;", "user:&lt;id&gt;", "anonymous"
 * @param action e.g. "signin", "mfa.enrol", "session.revoke"
 * @param outcome "success", "failure", "denied"
 * @param details a small JSON object of non-secret facts
 */
public record AuditEntry(long seq, Instant at, Optional<TenantId> tenantId, Optional<UserId> subject, String actor,
        String action, String outcome, String ip, String userAgent, String details, byte[] prevHash, byte[] hash) {}
