package org.postern.auth.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.postern.auth.IdentityFixture;
import org.postern.model.AccessDeniedException;
import org.postern.model.InvalidInputException;
import org.postern.model.Role;
import org.postern.model.SubmissionLimits;
import org.postern.model.TenantId;
import org.postern.store.TenantLimits;
import org.postern.store.identity.AuditEntry;

/** Per-tenant submission limits: who may change them, how far, and that each change is audited. */
class SendingLimitsTest extends IdentityFixture {
    private static final SubmissionLimits SERVER = new SubmissionLimits(10 * 1024 * 1024, 100, 200);

    private SendingLimits limits() {
        return new SendingLimits(store, policy, identity.audit(), SERVER);
    }

    private static TenantLimits of(TenantId tenant, Long size, Integer recipients, Integer perHour) {
        return new TenantLimits(tenant, size == null ? OptionalLong.empty() : OptionalLong.of(size),
                recipients == null ? OptionalInt.empty() : OptionalInt.of(recipients),
                perHour == null ? OptionalInt.empty() : OptionalInt.of(perHour));
    }

    @Test
    void aTenantAdminMayOnlyLowerTheirOwnTenantsLimits() {
        Account boss = account("boss@example.org", Role.TENANT_ADMIN);
        Account root = account("root@other.test", Role.SERVER_ADMIN);
        TenantId acme = tenant("acme");
        assertThat(limits().effective(acme)).isEqualTo(SERVER);

        SendingLimits.View lowered = limits().set(boss.caller(), acme, of(acme, 1024L * 1024, 10, null), HOME);
        assertThat(lowered.effective()).isEqualTo(new SubmissionLimits(1024 * 1024, 10, 200));
        assertThat(limits().effective(acme)).isEqualTo(lowered.effective());
        AuditEntry e = lastAudit("tenant.submission_limits");
        AuditEntryCheck.of(e).by(actor(boss)).outcome("success").detail("max_recipients", "10")
                .detail("messages_per_hour", "default").detail("was_max_recipients", "default");
        assertThat(e.tenantId()).contains(acme);

        assertThatThrownBy(() -> limits().set(boss.caller(), acme, of(acme, null, 101, null), HOME))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("max_recipients");
        assertThatThrownBy(() -> limits().set(boss.caller(), acme, of(acme, null, null, 201), HOME))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("messages_per_hour");
        assertThat(limits().effective(acme).maxRecipients()).as("a refused change changes nothing").isEqualTo(10);

        // A server admin grants more than the default; the tenant admin keeps it while lowering another.
        limits().set(root.caller(), acme, of(acme, null, 500, null), HOME);
        limits().set(boss.caller(), acme, of(acme, null, 500, 50), HOME);
        assertThat(limits().effective(acme)).isEqualTo(new SubmissionLimits(SERVER.maxMessageBytes(), 500, 50));
        assertThatThrownBy(() -> limits().set(boss.caller(), acme, of(acme, null, 501, 50), HOME))
                .isInstanceOf(InvalidInputException.class);

        assertThatThrownBy(() -> limits().set(boss.caller(), tenant("globex"), of(tenant("globex"), null, 1, null),
                HOME)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> limits().view(boss.caller(), tenant("globex"))).isInstanceOf(AccessDeniedException.class);
        Account alice = user("alice@example.org");
        assertThatThrownBy(() -> limits().set(alice.caller(), acme, of(acme, null, 1, null), HOME))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(limits().effective(tenant("globex"))).isEqualTo(SERVER);

        limits().set(operator, acme, TenantLimits.none(acme), HOME);
        assertThat(limits().view(boss.caller(), acme).overrides()).isEqualTo(TenantLimits.none(acme));
        assertThat(limits().effective(acme)).isEqualTo(SERVER);
        limits().set(operator, acme, TenantLimits.none(acme), HOME);
        assertThat(audit("tenant.submission_limits")).as("an unchanged save is no change").hasSize(4);
    }
}
