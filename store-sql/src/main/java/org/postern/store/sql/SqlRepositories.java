package org.postern.store.sql;

import org.postern.store.AddressRepository;
import org.postern.store.DataKeyRepository;
import org.postern.store.DomainRepository;
import org.postern.store.MailboxRepository;
import org.postern.store.MessageRepository;
import org.postern.store.Repositories;
import org.postern.store.TenantRepository;
import org.postern.store.UserRepository;
import org.postern.store.identity.SessionRepository;
import org.postern.store.identity.CredentialRepository;
import org.postern.store.identity.MfaRepository;
import org.postern.store.identity.InviteRepository;
import org.postern.store.identity.OneTimeCodeRepository;
import org.postern.store.identity.SignInRepository;
import org.postern.store.identity.SecuritySettingsRepository;
import org.postern.store.identity.AuditRepository;
import org.postern.store.identity.OutboxRepository;

/** The repositories of one transaction, all bound to its handle. */
final class SqlRepositories implements Repositories {
    private final TenantRepository tenants;
    private final DomainRepository domains;
    private final UserRepository users;
    private final AddressRepository addresses;
    private final DataKeyRepository dataKeys;
    private final MailboxRepository mailboxes;
    private final MessageRepository messages;

    SqlRepositories(Tx tx) {
        this.tenants = new SqlTenantRepository(tx);
        this.domains = new SqlDomainRepository(tx);
        this.users = new SqlUserRepository(tx);
        this.addresses = new SqlAddressRepository(tx);
        this.dataKeys = new SqlDataKeyRepository(tx);
        this.mailboxes = new SqlMailboxRepository(tx);
        this.messages = new SqlMessageRepository(tx);
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
    public MailboxRepository mailboxes() {
        return mailboxes;
    }

    @Override
    public MessageRepository messages() {
        return messages;
    }

    @Override
    public SessionRepository sessions() {
        throw new UnsupportedOperationException("TODO(identity store): sessions");
    }

    @Override
    public CredentialRepository credentials() {
        throw new UnsupportedOperationException("TODO(identity store): credentials");
    }

    @Override
    public MfaRepository mfa() {
        throw new UnsupportedOperationException("TODO(identity store): mfa");
    }

    @Override
    public InviteRepository invites() {
        throw new UnsupportedOperationException("TODO(identity store): invites");
    }

    @Override
    public OneTimeCodeRepository oneTimeCodes() {
        throw new UnsupportedOperationException("TODO(identity store): oneTimeCodes");
    }

    @Override
    public SignInRepository signIns() {
        throw new UnsupportedOperationException("TODO(identity store): signIns");
    }

    @Override
    public SecuritySettingsRepository securitySettings() {
        throw new UnsupportedOperationException("TODO(identity store): securitySettings");
    }

    @Override
    public AuditRepository audit() {
        throw new UnsupportedOperationException("TODO(identity store): audit");
    }

    @Override
    public OutboxRepository outbox() {
        throw new UnsupportedOperationException("TODO(identity store): outbox");
    }
}
