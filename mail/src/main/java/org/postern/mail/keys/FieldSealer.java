package org.postern.mail.keys;

import java.nio.charset.StandardCharsets;
import org.postern.crypto.AesGcm;
import org.postern.crypto.DataKey;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/**
 * Seals small pieces of user content kept in the database (address notes, message summaries)
 * under the owner's data key. The associated data names the owner, the kind of field and the
 * row it belongs to, so a value copied to another row or another user does not open.
 */
public final class FieldSealer {
    private final DataKeys keys;

    public FieldSealer(DataKeys keys) {
        this.keys = keys;
    }

    public byte[] seal(TenantId tenant, UserId owner, String field, String rowKey, byte[] plaintext) {
        try (DataKey key = keys.keyFor(tenant, owner)) {
            return AesGcm.seal(key, plaintext, associatedData(tenant, owner, field, rowKey));
        }
    }

    /** @throws org.postern.model.IntegrityException if the value was tampered with, moved, or its key destroyed */
    public byte[] open(TenantId tenant, UserId owner, String field, String rowKey, byte[] sealed) {
        try (DataKey key = keys.keyFor(tenant, owner)) {
            return AesGcm.open(key, sealed, associatedData(tenant, owner, field, rowKey));
        }
    }

    /** As {@link #seal}, for work inside a transaction (the key is read through it if not cached). */
    public byte[] seal(org.postern.store.Repositories tx, TenantId tenant, UserId owner, String field, String rowKey,
            byte[] plaintext) {
        try (DataKey key = keys.keyFor(tx, tenant, owner)) {
            return AesGcm.seal(key, plaintext, associatedData(tenant, owner, field, rowKey));
        }
    }

    /** As {@link #open}, for work inside a transaction. */
    public byte[] open(org.postern.store.Repositories tx, TenantId tenant, UserId owner, String field, String rowKey,
            byte[] sealed) {
        try (DataKey key = keys.keyFor(tx, tenant, owner)) {
            return AesGcm.open(key, sealed, associatedData(tenant, owner, field, rowKey));
        }
    }

    public byte[] sealText(TenantId tenant, UserId owner, String field, String rowKey, String text) {
        return seal(tenant, owner, field, rowKey, text.getBytes(StandardCharsets.UTF_8));
    }

    public String openText(TenantId tenant, UserId owner, String field, String rowKey, byte[] sealed) {
        return new String(open(tenant, owner, field, rowKey, sealed), StandardCharsets.UTF_8);
    }

    private static byte[] associatedData(TenantId tenant, UserId owner, String field, String rowKey) {
        return ("postern-field|" + field + "|" + tenant + "|" + owner + "|" + rowKey).getBytes(StandardCharsets.UTF_8);
    }
}
