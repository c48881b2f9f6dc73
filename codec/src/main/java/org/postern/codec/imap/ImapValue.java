package org.postern.codec.imap;

import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One value in a server response, encoded by {@link ImapResponseWriter}. Every variant either
 * validates its content at construction or is encoded so that no content can break the framing:
 * a string holding CR, LF, NUL, 8-bit text the client cannot take in a quoted string, or too
 * many octets becomes a literal.
 */
public sealed interface ImapValue {

    /** {@code NIL}. */
    ImapValue NIL = new Nil();

    /** An atom (RFC 3501 {@code atom}): 1*ATOM-CHAR, for keywords such as {@code EXISTS} or {@code UIDNEXT}. */
    record Atom(String value) implements ImapValue {
        public Atom {
            if (!ImapSyntax.isAtom(value)) {
                throw new IllegalArgumentException("not an IMAP atom");
            }
        }
    }

    /** A flag: {@code \Seen}, a keyword such as {@code $Forwarded}, or {@code \*} (PERMANENTFLAGS only). */
    record Flag(String value) implements ImapValue {
        public Flag {
            if (!value.equals("\\*") && !ImapSyntax.isFlag(value)) {
                throw new IllegalArgumentException("not an IMAP flag");
            }
        }
    }

    /** A non-negative number (number64 where the grammar allows, such as MODSEQ). */
    record Number(long value) implements ImapValue {
        public Number {
            if (value < 0) {
                throw new IllegalArgumentException("IMAP numbers are not negative");
            }
        }
    }

    /**
     * A string, sent quoted when it can be and as a literal otherwise (see
     * {@link ImapResponseWriter}). A NUL, which no IMAP string may hold, is sent as U+FFFD.
     */
    record Str(String value) implements ImapValue {
        public Str {
            Objects.requireNonNull(value);
        }
    }

    /** A string given as octets (a header value as stored), sent quoted or as a literal like {@link Str}. */
    record Octets(byte[] value) implements ImapValue {
        public Octets {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        byte[] unsafeValue() {
            return value;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Octets other && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Octets[" + value.length + " bytes]";
        }
    }

    /**
     * Numbers separated by spaces, ascending, produced lazily from the set: the body of a
     * {@code SEARCH} response, however many messages match.
     */
    record NumberSeries(NumberRanges numbers) implements ImapValue {
        public NumberSeries {
            Objects.requireNonNull(numbers);
            if (numbers.isEmpty()) {
                throw new IllegalArgumentException("an empty series would leave a stray space; leave it out");
            }
        }
    }

    /** {@code NIL}. Use {@link ImapValue#NIL}. */
    record Nil() implements ImapValue {}

    /** A parenthesised list; may be empty. */
    record ListOf(List<ImapValue> items) implements ImapValue {
        public ListOf {
            items = List.copyOf(items);
        }
    }

    /** A mailbox name, encoded in modified UTF-7 or UTF-8 as the writer's mode says, then as a string. */
    record Mailbox(MailboxName name) implements ImapValue {
        public Mailbox {
            Objects.requireNonNull(name);
        }
    }

    /**
     * Content streamed as a literal: {@code {size}} CRLF and exactly {@code size} octets of
     * {@code content} ({@code ~{size}} for {@code binary}, the BINARY extension's literal8,
     * which may hold NUL). If the stream ends early the writer fails with an IOException and
     * the connection must close: the announced size cannot be taken back.
     */
    record Literal(long size, InputStream content, boolean binary) implements ImapValue {
        public Literal {
            if (size < 0) {
                throw new IllegalArgumentException("literal size must not be negative");
            }
            Objects.requireNonNull(content);
        }

        @Override
        public String toString() {
            return "Literal[" + size + " bytes" + (binary ? ", binary" : "") + "]";
        }
    }

    /**
     * Protocol text written as is, for the few items that are neither atoms nor strings:
     * {@code BODY[HEADER.FIELDS (From)]<0>}, a sequence set {@code 1:3,5}, a date already
     * quoted. Only printable US-ASCII, and it must not end with {@code '}'}, so it can never
     * end a line or announce a literal.
     */
    record Raw(String text) implements ImapValue {
        public Raw {
            if (text.isEmpty() || text.endsWith("}")) {
                throw new IllegalArgumentException("raw IMAP text must be non-empty and not end with '}'");
            }
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < 0x20 || c > 0x7e) {
                    throw new IllegalArgumentException("raw IMAP text must be printable US-ASCII");
                }
            }
        }
    }

    /** An atom. */
    static ImapValue atom(String value) {
        return new Atom(value);
    }

    /** {@code NIL} for null, else the string. */
    static ImapValue nstring(String value) {
        return value == null ? NIL : new Str(value);
    }

    /** A number. */
    static ImapValue number(long value) {
        return new Number(value);
    }

    /** A parenthesised list of the items. */
    static ImapValue list(ImapValue... items) {
        return new ListOf(List.of(items));
    }
}
