package org.postern.model;

import java.util.Objects;
import java.util.UUID;

/** Opaque identifier of a mailbox; random, so it reveals neither order nor count. */
public record MailboxId(UUID value) {
    public MailboxId {
        Objects.requireNonNull(value, "value");
    }

    public static MailboxId random() {
        return new MailboxId(UUID.randomUUID());
    }

    /** Parses the canonical text form; throws {@link InvalidInputException} on anything else. */
    public static MailboxId parse(String text) {
        return new MailboxId(Uuids.parse(text, "mailbox id"));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
