package org.postern.codec.imap;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A search criterion (RFC 3501 §6.4.4, RFC 9051 §6.4.4, RFC 7162 MODSEQ, RFC 5032 WITHIN), in a
 * small algebra the session can evaluate directly: the many RFC keys map onto a few variants
 * ({@code UNSEEN} is {@code Not(Flag("\\Seen"))}, {@code NEW} is
 * {@code And(Flag("\\Recent"), Not(Flag("\\Seen")))}, {@code SENTSINCE d} is
 * {@code Date(SENT, SINCE, d)}). The keys of a command line and of a parenthesised group are an
 * {@link And}.
 */
public sealed interface SearchKey {

    /** Every message. */
    record All() implements SearchKey {}

    /** Messages whose sequence numbers are in the set ({@code $}: the saved result). */
    record SequenceNumbers(SequenceSet set) implements SearchKey {
        public SequenceNumbers {
            Objects.requireNonNull(set);
        }
    }

    /** {@code UID set} ({@code UID $}: the saved result). */
    record Uids(SequenceSet set) implements SearchKey {
        public Uids {
            Objects.requireNonNull(set);
        }
    }

    /**
     * Messages with the flag set: a system flag in its canonical spelling ({@code \Seen},
     * {@code \Answered}, {@code \Flagged}, {@code \Deleted}, {@code \Draft}, {@code \Recent}) or a
     * keyword as sent (keywords compare case-insensitively).
     */
    record Flag(String flag) implements SearchKey {
        public Flag {
            Objects.requireNonNull(flag);
        }
    }

    /** Messages that do not match the key. */
    record Not(SearchKey key) implements SearchKey {
        public Not {
            Objects.requireNonNull(key);
        }
    }

    /** Messages that match every key. */
    record And(List<SearchKey> keys) implements SearchKey {
        public And {
            keys = List.copyOf(keys);
        }
    }

    /** Messages that match either key. */
    record Or(SearchKey left, SearchKey right) implements SearchKey {
        public Or {
            Objects.requireNonNull(left);
            Objects.requireNonNull(right);
        }
    }

    /** Which date a {@link Date} key compares. */
    enum DateField {
        /** The internal date (BEFORE, ON, SINCE). */
        INTERNAL,
        /** The Date: header (SENTBEFORE, SENTON, SENTSINCE). */
        SENT
    }

    /** How a {@link Date} key compares, disregarding time and time zone (RFC 3501). */
    enum DateComparison {
        BEFORE, ON, SINCE
    }

    record Date(DateField field, DateComparison comparison, LocalDate date) implements SearchKey {
        public Date {
            Objects.requireNonNull(field);
            Objects.requireNonNull(comparison);
            Objects.requireNonNull(date);
        }
    }

    /** {@code LARGER n} ({@code larger}) or {@code SMALLER n}: RFC822.SIZE strictly above / below. */
    record Size(boolean larger, long octets) implements SearchKey {}

    /** Which text a {@link Text} key searches. */
    enum TextField {
        FROM, TO, CC, BCC, SUBJECT,
        /** The body only. */
        BODY,
        /** Headers and body. */
        TEXT
    }

    /** Messages whose field contains the string, case-insensitively (RFC 3501: substring match). */
    record Text(TextField field, String value) implements SearchKey {
        public Text {
            Objects.requireNonNull(field);
            Objects.requireNonNull(value);
        }
    }

    /**
     * {@code HEADER field-name string}: messages with that header field containing the string; an
     * empty string matches every message that has the field.
     */
    record Header(String field, String value) implements SearchKey {
        public Header {
            Objects.requireNonNull(field);
            Objects.requireNonNull(value);
        }
    }

    /**
     * {@code MODSEQ [entry-name entry-type] n} (RFC 7162): messages whose mod-sequence is at least
     * {@code modSeq}. The entry (a flag's metadata name and {@code priv}/{@code shared}/{@code all})
     * is kept for completeness; Postern keeps one mod-sequence per message.
     */
    record ModSeq(long modSeq, Optional<String> entryName, Optional<String> entryType) implements SearchKey {
        public ModSeq {
            Objects.requireNonNull(entryName);
            Objects.requireNonNull(entryType);
        }
    }

    /** {@code OLDER n} ({@code older}) / {@code YOUNGER n} (RFC 5032): internal date vs now minus n seconds. */
    record Within(boolean older, long seconds) implements SearchKey {}
}
