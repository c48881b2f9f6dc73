package org.postern.model;

import java.util.Objects;
import java.util.UUID;

/** Opaque identifier of a message; random, so it reveals neither order nor count. */
public record MessageId(UUID value) {
    public MessageId {
        Objects.requireNonNull(value, "value");
    }

    public static MessageId random() {
        return new MessageId(UUID.randomUUID());
    }

    /** Parses the canonical text form; throws {@link InvalidInputException} on anything else. */
    public static MessageId parse(String text) {
        return new MessageId(Uuids.parse(text, "message id"));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
