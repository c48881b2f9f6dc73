package org.postern.store;

import org.postern.store.identity.AuditRepository;
import org.postern.store.identity.CredentialRepository;
import org.postern.store.identity.InviteRepository;
import org.postern.store.identity.MfaRepository;
import org.postern.store.identity.OneTimeCodeRepository;
import org.postern.store.identity.OutboxRepository;
import org.postern.store.identity.SecuritySettingsRepository;
import org.postern.store.identity.SessionRepository;
import org.postern.store.identity.SignInRepository;
import org.postern.store.queue.OutboundQueueRepository;

/** The repositories bound to one transaction. */
public interface Repositories {
    TenantRepository tenants();

    DomainRepository domains();

    UserRepository users();

    AddressRepository addresses();

    DataKeyRepository dataKeys();

    DkimKeyRepository dkimKeys();

    MailboxRepository mailboxes();

    MessageRepository messages();

    TenantLimitsRepository tenantLimits();

    // Identity and access (org.postern.store.identity)

    SessionRepository sessions();

    CredentialRepository credentials();

    MfaRepository mfa();

    InviteRepository invites();

    OneTimeCodeRepository oneTimeCodes();

    SignInRepository signIns();

    SecuritySettingsRepository securitySettings();

    AuditRepository audit();

    OutboxRepository outbox();

    // The outbound queue (org.postern.store.queue)

    OutboundQueueRepository outboundQueue();
}
