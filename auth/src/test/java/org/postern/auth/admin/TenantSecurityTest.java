package org.postern.auth.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postern.access.Caller;
import org.postern.auth.IdentityFixture;
import org.postern.model.AccessDeniedException;
import org.postern.model.Role;
import org.postern.store.identity.AuditEntry;
import org.postern.store.identity.RiskMode;
import org.postern.store.identity.TenantPolicy;

/** Tenant security policy and who reads which part of the audit log. */
class TenantSecurityTest extends IdentityFixture {

    private TenantSecurity security() {
        return identity.tenantSecurity();
    }

    @Test
    void aTenantAdminSetsOnlyTheirOwnTenantsPolicy() {
        Account boss = account("boss@example.org", Role.TENANT_ADMIN);
        Account alice = user("alice@example.org");
        assertThat(security().policy(boss.caller(), tenant("acme"))).isEqualTo(TenantPolicy.defaults(tenant("acme")));
        TenantPolicy set = security().setPolicy(boss.caller(), tenant("acme"), true, RiskMode.ENFORCED, HOME);
        assertThat(security().policy(operator, tenant("acme"))).isEqualTo(set);
        AuditEntry e = lastAudit("tenant.security_policy");
        AuditEntryCheck.of(e).by(actor(boss)).outcome("success").detail("require_mfa", "true")
                .detail("risk_mode", "enforced").detail("was_risk_mode", "audit");
        assertThat(e.tenantId()).contains(tenant("acme"));

        assertThatThrownBy(() -> security().setPolicy(boss.caller(), tenant("globex"), true, RiskMode.OFF, HOME))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> security().setPolicy(alice.caller(), tenant("acme"), false, RiskMode.OFF, HOME))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> security().policy(boss.caller(), tenant("globex"))).isInstanceOf(AccessDeniedException.class);
        assertThat(audit("tenant.security_policy")).hasSize(1);
        assertThat(security().policy(operator, tenant("globex")).requireMfa()).isFalse();
    }

    @Test
    void usersReadTheirOwnEntriesTenantAdminsTheirTenantsServerAdminsAll() {
        Account alice = user("alice@example.org");
        Account bob = user("bob@example.org");
        Account gus = user("gus@other.test");
        Account boss = account("boss@example.org", Role.TENANT_ADMIN);
        Account root = account("root@other.test", Role.SERVER_ADMIN);
        for (Account a : List.of(alice, bob, gus)) {
            tokens(a, HOME);
            signIn(a.login(), secret("not " + a.password()), HOME);
        }
        signIn("ghost@example.org", "whatever it may be", HOME);

        List<AuditEntry> mine = security().auditLog(alice.caller(), Optional.empty(), Optional.empty(), 500);
        assertThat(mine).isNotEmpty().allSatisfy(e -> assertThat(e.subject()).contains(alice.user().id()));
        assertThat(security().auditLog(alice.caller(), Optional.of(bob.user().id()), Optional.empty(), 500)).isEmpty();

        List<AuditEntry> acme = security().auditLog(boss.caller(), Optional.empty(), Optional.empty(), 500);
        assertThat(acme).isNotEmpty().allSatisfy(e -> assertThat(e.tenantId()).contains(tenant("acme")));
        assertThat(acme).anySatisfy(e -> assertThat(e.subject()).contains(bob.user().id()));
        assertThat(security().auditLog(boss.caller(), Optional.of(gus.user().id()), Optional.empty(), 500)).isEmpty();

        List<AuditEntry> all = security().auditLog(root.caller(), Optional.empty(), Optional.empty(), 500);
        assertThat(all).hasSize(auditEntries().size());
        assertThat(security().auditLog(new Caller.Operator(), Optional.empty(), Optional.empty(), 500)).hasSize(all.size());
        // Newest first, and paged by sequence number.
        assertThat(all.getFirst().seq()).isGreaterThan(all.getLast().seq());
        List<AuditEntry> older = security().auditLog(root.caller(), Optional.empty(), Optional.of(all.get(2).seq()), 2);
        assertThat(older).extracting(AuditEntry::seq).containsExactly(all.get(3).seq(), all.get(4).seq());
    }
}
