package org.postern.mail.keys;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.postern.access.Scope;
import org.postern.crypto.DataKey;
import org.postern.crypto.MasterKeyRing;
import org.postern.crypto.WrappedKey;
import org.postern.model.IntegrityException;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.MetadataStore;
import org.postern.store.Repositories;
import org.postern.store.WrappedDataKey;
import org.postern.store.blob.DataKeySource;

/**
 * Users' data keys: one per user, created with the account, stored wrapped under the master key.
 * Per user rather than per tenant so that erasing one account (deleting its key) makes all of
 * that account's mail unreadable at once, backups included, without touching anyone else's.
 */
public final class DataKeys implements DataKeySource {
    /** How long an unwrapped key is kept in memory, and so how long a key destroyed by another process stays usable here. */
    public static final Duration CACHE_TIME = Duration.ofSeconds(60);
    private static final int CACHE_ENTRIES = 10_000;

    private record Cached(TenantId tenant, DataKey key, long expiresAtNanos) {}

    // Unwrapping means a database read and an AES-GCM open; every message stored or read needs the
    // key several times. Keys stay only briefly, and destroy() drops its own at once.
    private final ConcurrentHashMap<UserId, Cached> cache = new ConcurrentHashMap<>();
    private final MetadataStore store;
    private final Supplier<MasterKeyRing> ring;
    private final Scope systemScope;
    private final Clock clock;

    /**
     * @param ring the current master key ring (a supplier, because rotation replaces it)
     * @param systemScope a server-wide scope granted to the key service by the wiring
     */
    public DataKeys(MetadataStore store, Supplier<MasterKeyRing> ring, Scope systemScope, Clock clock) {
        this.store = store;
        this.ring = ring;
        this.systemScope = systemScope;
        this.clock = clock;
    }

    static byte[] associatedData(TenantId tenant, UserId owner) {
        return ("postern-datakey|" + tenant + "|" + owner).getBytes(StandardCharsets.US_ASCII);
    }

    /** Creates and stores a new data key for a user, inside the caller's transaction. */
    public void createFor(Repositories tx, Scope scope, TenantId tenant, UserId owner) {
        try (DataKey key = DataKey.generate()) {
            WrappedKey wrapped = ring.get().wrap(key, associatedData(tenant, owner));
            tx.dataKeys().insert(scope, new WrappedDataKey(tenant, owner, wrapped.masterKeyId(), wrapped.ciphertext(),
                    clock.instant()));
        }
    }

    @Override
    public DataKey keyFor(TenantId tenant, UserId owner) {
        return keyFor(null, tenant, owner);
    }

    /** As {@link #keyFor(TenantId, UserId)}, reading through {@code tx} for work already inside a transaction. */
    public DataKey keyFor(Repositories tx, TenantId tenant, UserId owner) {
        long now = System.nanoTime();
        Cached hit = cache.get(owner);
        if (hit != null && hit.tenant().equals(tenant) && now - hit.expiresAtNanos() < 0) {
            return hit.key().copy();
        }
        DataKey key = load(tx, tenant, owner);
        if (cache.size() >= CACHE_ENTRIES) {
            cache.clear();
        }
        // Entries replaced or dropped are not wiped here: another thread may be copying one this
        // instant. The JCA keeps its own copies of key bytes anyway; they go with the garbage.
        cache.put(owner, new Cached(tenant, key.copy(), now + CACHE_TIME.toNanos()));
        return key;
    }

    private DataKey load(Repositories tx, TenantId tenant, UserId owner) {
        java.util.Optional<WrappedDataKey> found = tx != null ? tx.dataKeys().byOwner(systemScope, owner)
                : store.inTransaction(t -> t.dataKeys().byOwner(systemScope, owner));
        WrappedDataKey stored = found
                .filter(k -> k.tenantId().equals(tenant))
                .orElseThrow(() -> new IntegrityException("no data key for user " + owner
                        + ": the account was erased or its key destroyed; its mail cannot be decrypted"));
        return ring.get().unwrap(new WrappedKey(stored.masterKeyId(), stored.wrapped()), associatedData(tenant, owner));
    }

    /** Crypto-shredding: after this, nothing sealed under the user's key can be read again. */
    public boolean destroy(Scope scope, UserId owner) {
        boolean deleted = store.inTransaction(tx -> tx.dataKeys().delete(scope, owner));
        cache.remove(owner);
        return deleted;
    }

    /**
     * Rewraps every data key still wrapped under another master key with {@code newRing}'s active
     * key, in one transaction. The data keys themselves, and so all mail, stay as they are.
     * @return how many keys were rewrapped
     */
    public int rewrapAll(MasterKeyRing newRing) {
        return store.inTransaction(tx -> {
            List<WrappedDataKey> all = tx.dataKeys().list(systemScope);
            int count = 0;
            for (WrappedDataKey k : all) {
                if (k.masterKeyId().equals(newRing.activeKeyId())) {
                    continue;
                }
                byte[] ad = associatedData(k.tenantId(), k.ownerId());
                try (DataKey key = newRing.unwrap(new WrappedKey(k.masterKeyId(), k.wrapped()), ad)) {
                    WrappedKey rewrapped = newRing.wrap(key, ad);
                    tx.dataKeys().rewrap(systemScope, k.ownerId(), rewrapped.masterKeyId(), rewrapped.ciphertext());
                    count++;
                }
            }
            return count;
        });
    }

    /** The master key ids still referenced by stored data keys. */
    public java.util.Set<String> masterKeyIdsInUse() {
        return store.inTransaction(tx -> tx.dataKeys().list(systemScope).stream()
                .map(WrappedDataKey::masterKeyId)
                .collect(java.util.stream.Collectors.toUnmodifiableSet()));
    }
}
