package org.postern.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.postern.model.AccessDeniedException;
import org.postern.model.Role;
import org.postern.model.TenantId;
import org.postern.model.UserId;

class AccessPolicyTest {
    private final AccessPolicy policy = new AccessPolicy();
    private final TenantId tenantA = TenantId.random();
    private final TenantId tenantB = TenantId.random();
    private final UserId alice = UserId.random();
    private final UserId bob = UserId.random();

    @Test
    void operatorsAndServerAdminsSeeTheWholeServer() {
        assertThat(policy.scopeFor(new Caller.Operator()).isServerWide()).isTrue();
        assertThat(policy.scopeFor(new Caller.User(tenantA, alice, Role.SERVER_ADMIN)).isServerWide()).isTrue();
    }

    @Test
    void aUserSeesOnlyThemselves() {
        Scope s = policy.scopeFor(new Caller.User(tenantA, alice, Role.USER));
        assertThat(s.allowsOwner(tenantA, alice)).isTrue();
        assertThat(s.allowsOwner(tenantA, bob)).isFalse();
        assertThat(s.allowsOwner(tenantB, alice)).isFalse();
    }

    @Test
    void aTenantAdminSeesTheirTenantAndNoOther() {
        Caller admin = new Caller.User(tenantA, alice, Role.TENANT_ADMIN);
        assertThat(policy.userScope(admin, tenantA, bob).allowsOwner(tenantA, bob)).isTrue();
        assertThat(policy.tenantScope(admin, tenantA).allowsTenant(tenantA)).isTrue();
        assertThatThrownBy(() -> policy.tenantScope(admin, tenantB)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> policy.userScope(admin, tenantB, bob)).isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void aPlainUserCannotTakeATenantScopeOrSomeoneElsesScope() {
        Caller user = new Caller.User(tenantA, alice, Role.USER);
        assertThatThrownBy(() -> policy.tenantScope(user, tenantA)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> policy.userScope(user, tenantA, bob)).isInstanceOf(AccessDeniedException.class);
        assertThat(policy.userScope(user, tenantA, alice).user()).contains(alice);
    }
}
