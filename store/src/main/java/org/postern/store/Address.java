package org.postern.store;

import java.time.Instant;
import java.util.Optional;
import org.postern.model.AddressId;
import org.postern.model.EmailAddress;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/**
 * An address owned by a user, usually one per correspondent. The address itself is in the clear
 * (mail routing needs it); the note ("given to shop X") is user content and is stored sealed under
 * the owner's data key: {@code sealedNote} is ciphertext, or null when there is no note.
 */
public record Address(AddressId id, TenantId tenantId, UserId ownerId, EmailAddress address, AddressState state,
        byte[] sealedNote, Instant createdAt, Optional<Instant> revokedAt) {

    public boolean isActive() {
        return state == AddressState.ACTIVE;
    }
}
