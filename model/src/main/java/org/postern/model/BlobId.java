package org.postern.model;

import java.util.Objects;
import java.util.UUID;

/** Opaque identifier of a blob; random, so it reveals neither order nor count. */
public record BlobId(UUID value) {
    public BlobId {
        Objects.requireNonNull(value, "value");
    }

    public static BlobId random() {
        return new BlobId(UUID.randomUUID());
    }

    /** Parses the canonical text form; throws {@link InvalidInputException} on anything else. */
    public static BlobId parse(String text) {
        return new BlobId(Uuids.parse(text, "blob id"));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
