package org.postern.mail.directory;

import java.time.Instant;
import java.util.Optional;
import org.postern.model.AddressId;
import org.postern.model.EmailAddress;
import org.postern.model.UserId;
import org.postern.store.AddressState;

/** An address as shown to its owner or an admin, with its note opened. */
public record AddressView(AddressId id, EmailAddress address, UserId ownerId, EmailAddress ownerLogin,
        AddressState state, Optional<String> note, Instant createdAt, Optional<Instant> revokedAt) {}
