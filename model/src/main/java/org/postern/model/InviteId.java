package org.postern.model;

import java.util.Objects;
import java.util.UUID;

/** Opaque identifier of an invitation to create an account; random, so it reveals neither order nor count. */
public record InviteId(UUID value) {
    public InviteId {
        Objects.requireNonNull(value, "value");
    }

    public static InviteId random() {
        return new InviteId(UUID.randomUUID());
    }

    /** Parses the canonical text form; throws {@link InvalidInputException} on anything else. */
    public static InviteId parse(String text) {
        return new InviteId(Uuids.parse(text, "invite id"));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
