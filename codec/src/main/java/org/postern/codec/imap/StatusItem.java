package org.postern.codec.imap;

import java.util.Locale;
import java.util.Optional;

/** A STATUS data item (RFC 3501, RFC 9051 §6.3.11, RFC 7162, RFC 7889), also LIST's RETURN (STATUS (...)). */
public enum StatusItem {
    MESSAGES,
    /** IMAP4rev1 only. */
    RECENT,
    UIDNEXT,
    UIDVALIDITY,
    UNSEEN,
    /** IMAP4rev2: messages with \Deleted. */
    DELETED,
    /** IMAP4rev2 / RFC 8438: total size of the mailbox in octets. */
    SIZE,
    /** RFC 7162 CONDSTORE. */
    HIGHESTMODSEQ,
    /** RFC 7889: the largest message APPEND accepts into this mailbox. */
    APPENDLIMIT;

    /** The item's name on the wire. */
    public String wireName() {
        return name();
    }

    /** The item of that name, any case. */
    public static Optional<StatusItem> of(String name) {
        for (StatusItem item : values()) {
            if (item.name().equals(name.toUpperCase(Locale.ROOT))) {
                return Optional.of(item);
            }
        }
        return Optional.empty();
    }
}
