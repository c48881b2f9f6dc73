package org.postern.store;

/** The repositories bound to one transaction. */
public interface Repositories {
    TenantRepository tenants();

    DomainRepository domains();

    UserRepository users();

    AddressRepository addresses();

    DataKeyRepository dataKeys();

    MailboxRepository mailboxes();

    MessageRepository messages();
}
