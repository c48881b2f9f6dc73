package org.postern.model;

import java.util.Objects;
import java.util.UUID;

/** Opaque identifier of a user; random, so it reveals neither order nor count. */
public record UserId(UUID value) {
    public UserId {
        Objects.requireNonNull(value, "value");
    }

    public static UserId random() {
        return new UserId(UUID.randomUUID());
    }

    /** Parses the canonical text form; throws {@link InvalidInputException} on anything else. */
    public static UserId parse(String text) {
        return new UserId(Uuids.parse(text, "user id"));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
