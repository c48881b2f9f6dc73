package org.postern.codec.imap;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A FETCH data item (RFC 3501 §6.4.5, RFC 9051, RFC 3516 BINARY, RFC 7162 MODSEQ). The macros
 * {@code ALL}, {@code FAST} and {@code FULL} are expanded by the parser. {@link #label()} is the
 * item's name in the response ({@code BODY.PEEK[TEXT]<0.100>} is answered as
 * {@code BODY[TEXT]<0>}).
 */
public sealed interface FetchAttribute {

    /** The item's name in the FETCH response. */
    String label();

    /** Items without arguments. */
    enum Simple implements FetchAttribute {
        FLAGS("FLAGS"),
        INTERNALDATE("INTERNALDATE"),
        RFC822_SIZE("RFC822.SIZE"),
        ENVELOPE("ENVELOPE"),
        /** The non-extensible body structure. */
        BODY("BODY"),
        BODYSTRUCTURE("BODYSTRUCTURE"),
        UID("UID"),
        /** RFC 7162. */
        MODSEQ("MODSEQ"),
        /** The whole message; sets \Seen like BODY[]. */
        RFC822("RFC822"),
        /** The header, like BODY.PEEK[HEADER]. */
        RFC822_HEADER("RFC822.HEADER"),
        /** The body text; sets \Seen like BODY[TEXT]. */
        RFC822_TEXT("RFC822.TEXT");

        private final String label;

        Simple(String label) {
            this.label = label;
        }

        @Override
        public String label() {
            return label;
        }
    }

    /** {@code <offset.length>}: a substring of the octets (RFC 3501 §6.4.5). */
    record Partial(long offset, long length) {
        public Partial {
            if (offset < 0 || length < 1) {
                throw new IllegalArgumentException("partial needs offset >= 0 and length >= 1");
            }
        }
    }

    /** What part of a (sub)message a section names. */
    enum SectionText {
        /** The whole part ({@code BODY[]}, {@code BODY[1.2]}). */
        NONE(""),
        HEADER("HEADER"),
        HEADER_FIELDS("HEADER.FIELDS"),
        HEADER_FIELDS_NOT("HEADER.FIELDS.NOT"),
        TEXT("TEXT"),
        /** The MIME header of a part; only with a part number. */
        MIME("MIME");

        private final String wire;

        SectionText(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /**
     * A body section {@code [part.text (fields)]}.
     *
     * @param part the part number path ({@code 1.2.3}); empty for the whole message
     * @param text which text of the part
     * @param headerFields the field names for HEADER.FIELDS(.NOT), as sent; empty otherwise
     */
    record Section(List<Integer> part, SectionText text, List<String> headerFields) {
        public Section {
            part = List.copyOf(part);
            headerFields = List.copyOf(headerFields);
            Objects.requireNonNull(text);
            for (int p : part) {
                if (p < 1) {
                    throw new IllegalArgumentException("part numbers start at 1");
                }
            }
            boolean fields = text == SectionText.HEADER_FIELDS || text == SectionText.HEADER_FIELDS_NOT;
            if (fields == headerFields.isEmpty()) {
                throw new IllegalArgumentException("HEADER.FIELDS(.NOT) and only they have field names");
            }
            if (text == SectionText.MIME && part.isEmpty()) {
                throw new IllegalArgumentException("MIME needs a part number");
            }
        }

        /** The whole message: {@code []}. */
        public static final Section WHOLE = new Section(List.of(), SectionText.NONE, List.of());

        /** The bracketed form: {@code [1.2.HEADER.FIELDS (From To)]}. */
        public String spec() {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < part.size(); i++) {
                b.append(i == 0 ? "" : ".").append(part.get(i));
            }
            if (text != SectionText.NONE) {
                b.append(part.isEmpty() ? "" : ".").append(text.wire());
            }
            if (!headerFields.isEmpty()) {
                b.append(" (");
                for (int i = 0; i < headerFields.size(); i++) {
                    b.append(i == 0 ? "" : " ").append(fieldName(headerFields.get(i)));
                }
                b.append(')');
            }
            return b.append(']').toString();
        }

        /** A field name as an atom when it is one, else quoted (field names are printable ASCII). */
        private static String fieldName(String name) {
            if (ImapSyntax.isAtom(name)) {
                return name;
            }
            return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
    }

    /** {@code BODY[section]<partial>} or {@code BODY.PEEK[...]} (peek: do not set \Seen). */
    record BodySection(Section section, boolean peek, Optional<Partial> partial) implements FetchAttribute {
        public BodySection {
            Objects.requireNonNull(section);
            Objects.requireNonNull(partial);
        }

        @Override
        public String label() {
            return "BODY" + section.spec() + partial.map(p -> "<" + p.offset() + ">").orElse("");
        }
    }

    /** {@code BINARY[part]<partial>} / {@code BINARY.PEEK[...]} (RFC 3516): the part, transfer encoding removed. */
    record Binary(List<Integer> part, boolean peek, Optional<Partial> partial) implements FetchAttribute {
        public Binary {
            part = List.copyOf(part);
            Objects.requireNonNull(partial);
        }

        @Override
        public String label() {
            return "BINARY" + parts(part) + partial.map(p -> "<" + p.offset() + ">").orElse("");
        }
    }

    /** {@code BINARY.SIZE[part]} (RFC 3516): the decoded size of the part. */
    record BinarySize(List<Integer> part) implements FetchAttribute {
        public BinarySize {
            part = List.copyOf(part);
        }

        @Override
        public String label() {
            return "BINARY.SIZE" + parts(part);
        }
    }

    private static String parts(List<Integer> part) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < part.size(); i++) {
            b.append(i == 0 ? "" : ".").append(part.get(i));
        }
        return b.append(']').toString();
    }
}
