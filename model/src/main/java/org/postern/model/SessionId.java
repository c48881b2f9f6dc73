package org.postern.model;

import java.util.Objects;
import java.util.UUID;

/** Opaque identifier of a sign-in session (one refresh-token family); random, so it reveals neither order nor count. */
public record SessionId(UUID value) {
    public SessionId {
        Objects.requireNonNull(value, "value");
    }

    public static SessionId random() {
        return new SessionId(UUID.randomUUID());
    }

    /** Parses the canonical text form; throws {@link InvalidInputException} on anything else. */
    public static SessionId parse(String text) {
        return new SessionId(Uuids.parse(text, "session id"));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
