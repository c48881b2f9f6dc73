package org.postern.model;

import java.util.Objects;
import java.util.UUID;

/** Opaque identifier of a domain; random, so it reveals neither order nor count. */
public record DomainId(UUID value) {
    public DomainId {
        Objects.requireNonNull(value, "value");
    }

    public static DomainId random() {
        return new DomainId(UUID.randomUUID());
    }

    /** Parses the canonical text form; throws {@link InvalidInputException} on anything else. */
    public static DomainId parse(String text) {
        return new DomainId(Uuids.parse(text, "domain id"));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
