package org.postern.model;

import java.util.Objects;
import java.util.UUID;

/** Opaque identifier of an app password or API token; random, so it reveals neither order nor count. */
public record CredentialId(UUID value) {
    public CredentialId {
        Objects.requireNonNull(value, "value");
    }

    public static CredentialId random() {
        return new CredentialId(UUID.randomUUID());
    }

    /** Parses the canonical text form; throws {@link InvalidInputException} on anything else. */
    public static CredentialId parse(String text) {
        return new CredentialId(Uuids.parse(text, "credential id"));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
