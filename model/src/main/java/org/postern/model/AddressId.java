package org.postern.model;

import java.util.Objects;
import java.util.UUID;

/** Opaque identifier of a address; random, so it reveals neither order nor count. */
public record AddressId(UUID value) {
    public AddressId {
        Objects.requireNonNull(value, "value");
    }

    public static AddressId random() {
        return new AddressId(UUID.randomUUID());
    }

    /** Parses the canonical text form; throws {@link InvalidInputException} on anything else. */
    public static AddressId parse(String text) {
        return new AddressId(Uuids.parse(text, "address id"));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
