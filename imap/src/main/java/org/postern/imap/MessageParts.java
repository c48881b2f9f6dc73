package org.postern.imap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.field.ContentDispositionField;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.apache.james.mime4j.field.ContentDispositionFieldLenientImpl;
import org.apache.james.mime4j.field.ContentTypeFieldLenientImpl;
import org.apache.james.mime4j.stream.RawField;
import org.postern.codec.imap.FetchAttribute;
import org.postern.codec.imap.ImapValue;

/**
 * A stored message split into its MIME entities, as offsets into the raw bytes: for FETCH's body
 * sections, ENVELOPE and BODYSTRUCTURE. Built from the decrypted copy of the user's own message,
 * but still content from the internet: parsing never fails (a malformed part is a
 * {@code text/plain} leaf), and depth and part count are bounded.
 */
final class MessageParts {
    static final int MAX_DEPTH = 32;
    static final int MAX_PARTS = 2000;

    /** One header field: its name and the raw bytes of the whole field, CRLF included. */
    record Field(String name, int start, int end) {}

    /** One entity: header [headerStart, bodyStart), body [bodyStart, bodyEnd). */
    static final class Entity {
        int headerStart;
        int bodyStart;
        int bodyEnd;
        final List<Field> fields = new ArrayList<>();
        String type = "text";
        String subtype = "plain";
        Map<String, String> params = Map.of();
        final List<Entity> children = new ArrayList<>();
        /** For message/rfc822: the encapsulated message. */
        Entity message;

        boolean isMultipart() {
            return type.equals("multipart");
        }

        boolean isMessage() {
            return message != null;
        }
    }

    private final byte[] raw;
    private final Entity root;
    private int parts;

    private MessageParts(byte[] raw) {
        this.raw = raw;
        this.root = parse(0, raw.length, 0, false);
    }

    static MessageParts parse(byte[] raw) {
        return new MessageParts(raw);
    }

    byte[] raw() {
        return raw;
    }

    // ------------------------------------------------------------------ parsing

    private Entity parse(int start, int end, int depth, boolean digest) {
        parts++;
        Entity e = new Entity();
        e.headerStart = start;
        int i = start;
        // Header fields up to the first empty line.
        int fieldStart = -1;
        while (i < end) {
            int eol = lineEnd(i, end);
            int next = eol < end ? eol + 1 : end;
            boolean empty = eol == i || (eol == i + 1 && raw[i] == '\r');
            if (empty) {
                if (fieldStart >= 0) {
                    addField(e, fieldStart, i);
                }
                i = next;
                e.bodyStart = i;
                break;
            }
            boolean continuation = raw[i] == ' ' || raw[i] == '\t';
            if (!continuation) {
                if (fieldStart >= 0) {
                    addField(e, fieldStart, i);
                }
                fieldStart = i;
            }
            i = next;
            if (i >= end) {
                if (fieldStart >= 0) {
                    addField(e, fieldStart, end);
                }
                e.bodyStart = end;
            }
        }
        if (start >= end) {
            e.bodyStart = end;
        }
        e.bodyEnd = end;
        String ct = header(e, "Content-Type");
        if (ct != null) {
            ContentTypeField f = ContentTypeFieldLenientImpl.PARSER.parse(
                    new RawField("Content-Type", ct), DecodeMonitor.SILENT);
            if (f.getMimeType() != null && f.getMimeType().contains("/")) {
                e.type = f.getMediaType().toLowerCase(Locale.ROOT);
                e.subtype = f.getSubType().toLowerCase(Locale.ROOT);
                e.params = f.getParameters();
            }
        } else if (digest) {
            e.type = "message";
            e.subtype = "rfc822";
        }
        if (depth >= MAX_DEPTH || parts >= MAX_PARTS) {
            if (e.isMultipart() || (e.type.equals("message") && e.subtype.equals("rfc822"))) {
                e.type = "text";
                e.subtype = "plain";
                e.params = Map.of();
            }
            return e;
        }
        if (e.isMultipart()) {
            String boundary = e.params.get("boundary");
            if (boundary == null || boundary.isEmpty()) {
                e.type = "text";
                e.subtype = "plain";
                e.params = Map.of();
                return e;
            }
            splitMultipart(e, boundary, depth, e.subtype.equals("digest"));
            if (e.children.isEmpty()) {
                e.type = "text";
                e.subtype = "plain";
                e.params = Map.of();
            }
        } else if (e.type.equals("message") && e.subtype.equals("rfc822")) {
            e.message = parse(e.bodyStart, e.bodyEnd, depth + 1, false);
        }
        return e;
    }

    private void addField(Entity e, int start, int end) {
        int colon = start;
        while (colon < end && raw[colon] != ':') {
            colon++;
        }
        if (colon >= end) {
            return;
        }
        String name = new String(raw, start, colon - start, StandardCharsets.ISO_8859_1).strip();
        e.fields.add(new Field(name, start, end));
    }

    private void splitMultipart(Entity e, String boundary, int depth, boolean digest) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int i = e.bodyStart;
        int partStart = -1;
        while (i < e.bodyEnd && parts < MAX_PARTS) {
            int eol = lineEnd(i, e.bodyEnd);
            if (startsWith(i, eol, delimiter)) {
                int after = i + delimiter.length;
                boolean close = after + 1 < eol && raw[after] == '-' && raw[after + 1] == '-';
                if (partStart >= 0) {
                    // The CRLF before the delimiter belongs to the delimiter.
                    int partEnd = i;
                    if (partEnd > partStart && raw[partEnd - 1] == '\n') {
                        partEnd--;
                        if (partEnd > partStart && raw[partEnd - 1] == '\r') {
                            partEnd--;
                        }
                    }
                    e.children.add(parse(partStart, Math.max(partStart, partEnd), depth + 1, digest));
                }
                if (close) {
                    return;
                }
                partStart = eol < e.bodyEnd ? eol + 1 : e.bodyEnd;
            }
            i = eol < e.bodyEnd ? eol + 1 : e.bodyEnd;
        }
        if (partStart >= 0 && partStart < e.bodyEnd) {
            e.children.add(parse(partStart, e.bodyEnd, depth + 1, digest));
        }
    }

    private boolean startsWith(int start, int end, byte[] prefix) {
        if (end - start < prefix.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if (raw[start + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }

    /** Index of the LF ending the line at {@code i}, or {@code end}. */
    private int lineEnd(int i, int end) {
        while (i < end && raw[i] != '\n') {
            i++;
        }
        return i;
    }

    /** The unfolded value of the first field of that name, or null. */
    String header(Entity e, String name) {
        for (Field f : e.fields) {
            if (f.name().equalsIgnoreCase(name)) {
                return value(f);
            }
        }
        return null;
    }

    private String value(Field f) {
        String text = new String(raw, f.start(), f.end() - f.start(), StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        // Unfolded; a stray CR or LF (malformed) goes too, as no header parser accepts one.
        return text.substring(colon + 1).replace("\r\n", "").replace("\n", "").replace("\r", "").strip();
    }

    // ------------------------------------------------------------------ sections

    /** The octets a body section names, or empty if the message has no such part. */
    Optional<byte[]> section(FetchAttribute.Section section) {
        Entity e = root;
        for (int n : section.part()) {
            if (e != root && e.isMessage()) {
                e = e.message;
            }
            if (e.isMultipart()) {
                if (n > e.children.size()) {
                    return Optional.empty();
                }
                e = e.children.get(n - 1);
            } else if (n != 1) {
                return Optional.empty();
            }
        }
        boolean top = section.part().isEmpty();
        return switch (section.text()) {
            case NONE -> Optional.of(top ? raw.clone() : slice(e.bodyStart, e.bodyEnd));
            case MIME -> Optional.of(slice(e.headerStart, e.bodyStart));
            case HEADER, HEADER_FIELDS, HEADER_FIELDS_NOT, TEXT -> {
                Entity m = top ? root : e.isMessage() ? e.message : null;
                if (m == null) {
                    yield Optional.empty();
                }
                yield Optional.of(switch (section.text()) {
                    case HEADER -> slice(m.headerStart, m.bodyStart);
                    case TEXT -> slice(m.bodyStart, m.bodyEnd);
                    default -> fields(m, section.headerFields(),
                            section.text() == FetchAttribute.SectionText.HEADER_FIELDS);
                });
            }
        };
    }

    /** What BINARY finds at a part: its decoded octets, no such part, or an encoding not known here. */
    sealed interface Binary {
        record Decoded(byte[] octets) implements Binary {}

        record NoSuchPart() implements Binary {}

        record UnknownEncoding() implements Binary {}
    }

    /**
     * BINARY[part] (RFC 3516): the part's body with its Content-Transfer-Encoding removed. The
     * empty part is the whole message as stored; a multipart or message/rfc822 part is never
     * encoded (RFC 2045 §6.4) and is returned as it is.
     */
    Binary binary(List<Integer> part) {
        if (part.isEmpty()) {
            return new Binary.Decoded(raw.clone());
        }
        Entity e = root;
        for (int n : part) {
            if (e != root && e.isMessage()) {
                e = e.message;
            }
            if (e.isMultipart()) {
                if (n > e.children.size()) {
                    return new Binary.NoSuchPart();
                }
                e = e.children.get(n - 1);
            } else if (n != 1) {
                return new Binary.NoSuchPart();
            }
        }
        byte[] body = slice(e.bodyStart, e.bodyEnd);
        if (e.isMultipart() || e.isMessage()) {
            return new Binary.Decoded(body);
        }
        return TransferDecoding.decode(header(e, "Content-Transfer-Encoding"), body)
                .<Binary>map(Binary.Decoded::new).orElseGet(Binary.UnknownEncoding::new);
    }

    private byte[] fields(Entity m, List<String> names, boolean include) {
        Set<String> wanted = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        wanted.addAll(names);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Field f : m.fields) {
            if (wanted.contains(f.name()) == include) {
                out.write(raw, f.start(), f.end() - f.start());
            }
        }
        out.write('\r');
        out.write('\n');
        return out.toByteArray();
    }

    private byte[] slice(int start, int end) {
        return java.util.Arrays.copyOfRange(raw, start, Math.max(start, end));
    }

    /** The header section of the message, for SEARCH. */
    Entity root() {
        return root;
    }

    /** The body of the message as text, for SEARCH BODY/TEXT (not transfer-decoded). */
    String bodyText() {
        return new String(raw, root.bodyStart, root.bodyEnd - root.bodyStart, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ ENVELOPE and BODYSTRUCTURE

    ImapValue envelope() {
        return envelope(root);
    }

    private ImapValue envelope(Entity m) {
        return envelope(name -> header(m, name));
    }

    /** ENVELOPE from the unfolded value of the first field of each name (null when absent). */
    static ImapValue envelope(java.util.function.UnaryOperator<String> header) {
        ImapValue from = addresses(header.apply("From"));
        String sender = header.apply("Sender");
        String replyTo = header.apply("Reply-To");
        return ImapValue.list(nstring(header.apply("Date")), nstring(header.apply("Subject")), from,
                sender == null ? from : addresses(sender), replyTo == null ? from : addresses(replyTo),
                addresses(header.apply("To")), addresses(header.apply("Cc")), addresses(header.apply("Bcc")),
                nstring(header.apply("In-Reply-To")), nstring(header.apply("Message-ID")));
    }

    private static ImapValue nstring(String value) {
        return value == null ? ImapValue.NIL : new ImapValue.Str(value);
    }

    private static ImapValue addresses(String value) {
        if (value == null || value.isBlank()) {
            return ImapValue.NIL;
        }
        AddressList list;
        try {
            list = LenientAddressParser.DEFAULT.parseAddressList(value);
        } catch (RuntimeException e) {
            return ImapValue.NIL;
        }
        List<ImapValue> out = new ArrayList<>();
        for (Address a : list) {
            if (out.size() >= 500) {
                break;
            }
            if (a instanceof Mailbox mb) {
                out.add(address(mb));
            } else if (a instanceof Group g) {
                out.add(ImapValue.list(ImapValue.NIL, ImapValue.NIL, nstring(g.getName()), ImapValue.NIL));
                for (Mailbox mb : g.getMailboxes()) {
                    out.add(address(mb));
                }
                out.add(ImapValue.list(ImapValue.NIL, ImapValue.NIL, ImapValue.NIL, ImapValue.NIL));
            }
        }
        return out.isEmpty() ? ImapValue.NIL : new ImapValue.ListOf(out);
    }

    private static ImapValue address(Mailbox mb) {
        String name = mb.getName();
        ImapValue personal = name == null || name.isEmpty() ? ImapValue.NIL : new ImapValue.Str(encodeWord(name));
        return ImapValue.list(personal, ImapValue.NIL, nstring(mb.getLocalPart()),
                mb.getDomain() == null || mb.getDomain().isEmpty() ? ImapValue.NIL : new ImapValue.Str(mb.getDomain()));
    }

    /** mime4j decodes encoded words in names; ENVELOPE carries them encoded, so 8-bit text goes back as one. */
    private static String encodeWord(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0x7e || text.charAt(i) < 0x20) {
                return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + "?=";
            }
        }
        return text;
    }

    /** BODYSTRUCTURE ({@code extensible}) or BODY. */
    ImapValue bodyStructure(boolean extensible) {
        return structure(root, extensible);
    }

    private ImapValue structure(Entity e, boolean ext) {
        List<ImapValue> items = new ArrayList<>();
        if (e.isMultipart()) {
            for (Entity child : e.children) {
                items.add(structure(child, ext));
            }
            items.add(new ImapValue.Str(e.subtype.toUpperCase(Locale.ROOT)));
            if (ext) {
                items.add(params(e.params));
                items.add(disposition(e));
                items.add(nstring(header(e, "Content-Language")));
                items.add(nstring(header(e, "Content-Location")));
            }
            return new ImapValue.ListOf(items);
        }
        items.add(new ImapValue.Str(e.type.toUpperCase(Locale.ROOT)));
        items.add(new ImapValue.Str(e.subtype.toUpperCase(Locale.ROOT)));
        Map<String, String> params = e.params;
        if (params.isEmpty() && e.type.equals("text") && header(e, "Content-Type") == null) {
            params = Map.of("charset", "us-ascii");
        }
        items.add(params(params));
        items.add(nstring(header(e, "Content-ID")));
        items.add(nstring(header(e, "Content-Description")));
        String encoding = header(e, "Content-Transfer-Encoding");
        items.add(new ImapValue.Str(encoding == null ? "7BIT" : encoding.toUpperCase(Locale.ROOT)));
        items.add(ImapValue.number(e.bodyEnd - e.bodyStart));
        if (e.isMessage()) {
            items.add(envelope(e.message));
            items.add(structure(e.message, ext));
            items.add(ImapValue.number(lines(e.bodyStart, e.bodyEnd)));
        } else if (e.type.equals("text")) {
            items.add(ImapValue.number(lines(e.bodyStart, e.bodyEnd)));
        }
        if (ext) {
            items.add(nstring(header(e, "Content-MD5")));
            items.add(disposition(e));
            items.add(nstring(header(e, "Content-Language")));
            items.add(nstring(header(e, "Content-Location")));
        }
        return new ImapValue.ListOf(items);
    }

    private ImapValue disposition(Entity e) {
        String value = header(e, "Content-Disposition");
        if (value == null) {
            return ImapValue.NIL;
        }
        ContentDispositionField f = ContentDispositionFieldLenientImpl.PARSER.parse(
                new RawField("Content-Disposition", value), DecodeMonitor.SILENT);
        String type = f.getDispositionType();
        if (type == null || type.isEmpty()) {
            return ImapValue.NIL;
        }
        return ImapValue.list(new ImapValue.Str(type.toUpperCase(Locale.ROOT)), params(f.getParameters()));
    }

    private static ImapValue params(Map<String, String> params) {
        if (params.isEmpty()) {
            return ImapValue.NIL;
        }
        List<ImapValue> out = new ArrayList<>();
        params.forEach((k, v) -> {
            out.add(new ImapValue.Str(k.toUpperCase(Locale.ROOT)));
            out.add(new ImapValue.Str(v == null ? "" : v));
        });
        return new ImapValue.ListOf(out);
    }

    private long lines(int start, int end) {
        long n = 0;
        for (int i = start; i < end; i++) {
            if (raw[i] == '\n') {
                n++;
            }
        }
        if (end > start && raw[end - 1] != '\n') {
            n++;
        }
        return n;
    }
}
