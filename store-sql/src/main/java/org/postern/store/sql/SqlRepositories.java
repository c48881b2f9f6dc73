package org.postern.store.sql;

import org.postern.store.AddressRepository;
import org.postern.store.DataKeyRepository;
import org.postern.store.DkimKeyRepository;
import org.postern.store.DomainRepository;
import org.postern.store.MailboxRepository;
import org.postern.store.MessageRepository;
import org.postern.store.Repositories;
import org.postern.store.TenantLimitsRepository;
import org.postern.store.TenantRepository;
import org.postern.store.UserRepository;
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

/** The repositories of one transaction, all bound to its handle. */
final class SqlRepositories implements Repositories {
    private final TenantRepository tenants;
    private final DomainRepository domains;
    private final UserRepository users;
    private final AddressRepository addresses;
    private final DataKeyRepository dataKeys;
    private final DkimKeyRepository dkimKeys;
    private final MailboxRepository mailboxes;
    private final MessageRepository messages;
    private final TenantLimitsRepository tenantLimits;
    private final SessionRepository sessions;
    private final CredentialRepository credentials;
    private final MfaRepository mfa;
    private final InviteRepository invites;
    private final OneTimeCodeRepository oneTimeCodes;
    private final SignInRepository signIns;
    private final SecuritySettingsRepository securitySettings;
    private final AuditRepository audit;
    private final OutboxRepository outbox;
    private final OutboundQueueRepository outboundQueue;

    SqlRepositories(Tx tx) {
        this.tenants = new SqlTenantRepository(tx);
        this.domains = new SqlDomainRepository(tx);
        this.users = new SqlUserRepository(tx);
        this.addresses = new SqlAddressRepository(tx);
        this.dataKeys = new SqlDataKeyRepository(tx);
        this.dkimKeys = new SqlDkimKeyRepository(tx);
        this.mailboxes = new SqlMailboxRepository(tx);
        this.messages = new SqlMessageRepository(tx);
        this.tenantLimits = new SqlTenantLimitsRepository(tx);
        this.sessions = new SqlSessionRepository(tx);
        this.credentials = new SqlCredentialRepository(tx);
        this.mfa = new SqlMfaRepository(tx);
        this.invites = new SqlInviteRepository(tx);
        this.oneTimeCodes = new SqlOneTimeCodeRepository(tx);
        this.signIns = new SqlSignInRepository(tx);
        this.securitySettings = new SqlSecuritySettingsRepository(tx);
        this.audit = new SqlAuditRepository(tx);
        this.outbox = new SqlOutboxRepository(tx);
        this.outboundQueue = new SqlOutboundQueueRepository(tx);
    }

    @Override
    public TenantLimitsRepository tenantLimits() {
        return tenantLimits;
    }

    @Override
    public TenantRepository tenants() {
        return tenants;
    }

    @Override
    public DomainRepository domains() {
        return domains;
    }

    @Override
    public UserRepository users() {
        return users;
    }

    @Override
    public AddressRepository addresses() {
        return addresses;
    }

    @Override
    public DataKeyRepository dataKeys() {
        return dataKeys;
    }

    @Override
    public DkimKeyRepository dkimKeys() {
        return dkimKeys;
    }

    @Override
    public MailboxRepository mailboxes() {
        return mailboxes;
    }

    @Override
    public MessageRepository messages() {
        return messages;
    }

    @Override
    public SessionRepository sessions() {
        return sessions;
    }

    @Override
    public CredentialRepository credentials() {
        return credentials;
    }

    @Override
    public MfaRepository mfa() {
        return mfa;
    }

    @Override
    public InviteRepository invites() {
        return invites;
    }

    @Override
    public OneTimeCodeRepository oneTimeCodes() {
        return oneTimeCodes;
    }

    @Override
    public SignInRepository signIns() {
        return signIns;
    }

    @Override
    public SecuritySettingsRepository securitySettings() {
        return securitySettings;
    }

    @Override
    public AuditRepository audit() {
        return audit;
    }

    @Override
    public OutboxRepository outbox() {
        return outbox;
    }

    @Override
    public OutboundQueueRepository outboundQueue() {
        return outboundQueue;
    }
}
