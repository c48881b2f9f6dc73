package org.postern.model;

import java.util.Objects;
import java.util.UUID;

/** Opaque identifier of a tenant; random, so it reveals neither order nor count. */
public record TenantId(UUID value) {
    public TenantId {
        Objects.requireNonNull(value, "value");
    }

    public static TenantId random() {
        return new TenantId(UUID.randomUUID());
    }

    /** Parses the canonical text form; throws {@link InvalidInputException} on anything else. */
    public static TenantId parse(String text) {
        return new TenantId(Uuids.parse(text, "tenant id"));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
