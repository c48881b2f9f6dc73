package org.postern.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.postern.model.ConflictException;
import org.postern.model.EmailAddress;

/**
 * What every backend does with an address's state: ACTIVE and SUSPENDED go back and forth, only
 * in the owner's scope; REVOKED is reached from either and is final. A backend's test implements
 * this beside {@link MetadataStoreContract}.
 */
public interface AddressLifecycleContract extends MetadataStoreContract {

    private Address newAddress(World w) {
        EmailAddress address = MetadataStoreContract.uniqueAddress();
        return tx((Repositories r) -> r.addresses().create(MetadataStoreContract.userScope(w.a1()), w.a().id(),
                w.a1().id(), address, null));
    }

    private AddressState state(Address a) {
        return tx((Repositories r) -> r.addresses().byId(MetadataStoreContract.server(), a.id())).orElseThrow().state();
    }

    @Test
    default void suspendedAddressIsNotActiveAndCanBeReinstated() {
        World w = world();
        Address a = newAddress(w);
        assertThat(tx((Repositories r) -> r.addresses().setSuspended(MetadataStoreContract.userScope(w.a1()), a.id(), true)))
                .isTrue();
        Address suspended = tx((Repositories r) -> r.addresses().byId(MetadataStoreContract.server(), a.id())).orElseThrow();
        assertThat(suspended.state()).isEqualTo(AddressState.SUSPENDED);
        assertThat(suspended.isActive()).isFalse();
        assertThat(suspended.revokedAt()).isEmpty();
        // Suspending twice changes nothing; reinstating brings it back once.
        assertThat(tx((Repositories r) -> r.addresses().setSuspended(MetadataStoreContract.server(), a.id(), true))).isFalse();
        assertThat(tx((Repositories r) -> r.addresses().setSuspended(MetadataStoreContract.userScope(w.a1()), a.id(), false)))
                .isTrue();
        assertThat(state(a)).isEqualTo(AddressState.ACTIVE);
        assertThat(tx((Repositories r) -> r.addresses().setSuspended(MetadataStoreContract.server(), a.id(), false))).isFalse();
    }

    @Test
    default void suspendingIsLimitedToTheOwnersScope() {
        World w = world();
        Address a = newAddress(w);
        assertThat(tx((Repositories r) -> r.addresses().setSuspended(MetadataStoreContract.userScope(w.a2()), a.id(), true)))
                .isFalse();
        assertThat(tx((Repositories r) -> r.addresses().setSuspended(MetadataStoreContract.userScope(w.b1()), a.id(), true)))
                .isFalse();
        assertThat(tx((Repositories r) -> r.addresses().setSuspended(MetadataStoreContract.tenantScope(w.b().id()), a.id(),
                true))).isFalse();
        assertThat(state(a)).isEqualTo(AddressState.ACTIVE);
        assertThat(tx((Repositories r) -> r.addresses().setSuspended(MetadataStoreContract.tenantScope(w.a().id()), a.id(),
                true))).isTrue();
    }

    @Test
    default void aSuspendedAddressCanBeRevokedAndARevokedOneIsNeverReinstated() {
        World w = world();
        Address a = newAddress(w);
        tx((Repositories r) -> r.addresses().setSuspended(MetadataStoreContract.userScope(w.a1()), a.id(), true));
        Instant at = MetadataStoreContract.millis(Instant.now());
        assertThat(tx((Repositories r) -> r.addresses().revoke(MetadataStoreContract.userScope(w.a1()), a.id(), at))).isTrue();
        Address revoked = tx((Repositories r) -> r.addresses().byId(MetadataStoreContract.server(), a.id())).orElseThrow();
        assertThat(revoked.state()).isEqualTo(AddressState.REVOKED);
        assertThat(revoked.revokedAt()).contains(at);
        assertThat(tx((Repositories r) -> r.addresses().setSuspended(MetadataStoreContract.server(), a.id(), false))).isFalse();
        assertThat(tx((Repositories r) -> r.addresses().setSuspended(MetadataStoreContract.server(), a.id(), true))).isFalse();
        assertThat(state(a)).isEqualTo(AddressState.REVOKED);
        assertThatThrownBy(() -> tx((Repositories r) -> r.addresses().create(MetadataStoreContract.server(), w.a().id(),
                w.a1().id(), revoked.address(), null))).isInstanceOf(ConflictException.class);
    }
}
