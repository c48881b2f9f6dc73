package org.postern.mta.submission;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.DefaultAddressParser;
import org.apache.james.mime4j.field.address.ParseException;
import org.postern.model.EmailAddress;

/**
 * The header section of a submitted message, read once up to a bound: its fields (unfolded) and
 * the authors the message claims (From:, and Sender: when present). Nothing here decides whether
 * the signed-in user may use those addresses; the session asks the directory.
 */
public final class SubmittedHeader {
    /** A field as written: its name and its value with folding removed. */
    public record Field(String name, String value) {}

    /** Why a header section cannot be submitted, or the addresses it claims to come from. */
    public sealed interface Authors {
        /** From: (exactly one mailbox) and Sender: (if present); every one must belong to the sender. */
        record Claimed(List<EmailAddress> addresses) implements Authors {
            public Claimed {
                addresses = List.copyOf(addresses);
            }
        }

        /** A reason for the client, without echoing what it sent. */
        record Refused(String reason) implements Authors {}
    }

    private final List<Field> fields;
    private final boolean malformed;
    private final boolean tooLarge;

    private SubmittedHeader(List<Field> fields, boolean malformed, boolean tooLarge) {
        this.fields = List.copyOf(fields);
        this.malformed = malformed;
        this.tooLarge = tooLarge;
    }

    /**
     * Reads up to the blank line that ends the header section (or the end of the message).
     *
     * @param maxHeaderBytes past this many bytes without the end of the section, {@link #tooLarge()} is true
     */
    public static SubmittedHeader read(InputStream message, int maxHeaderBytes) throws IOException {
        List<Field> fields = new ArrayList<>();
        StringBuilder current = null;
        boolean malformed = false;
        int examined = 0;
        while (true) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = message.read()) >= 0) {
                examined++;
                if (examined > maxHeaderBytes) {
                    return new SubmittedHeader(fields, malformed, true);
                }
                if (c == '\n') {
                    break;
                }
                line.write(c);
            }
            byte[] b = line.toByteArray();
            int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
            String text = new String(b, 0, len, StandardCharsets.UTF_8);
            if (text.isEmpty()) {
                add(fields, current);
                return new SubmittedHeader(fields, malformed, false);
            }
            if (text.charAt(0) == ' ' || text.charAt(0) == '\t') {
                if (current == null) {
                    malformed = true;
                } else {
                    current.append(text);
                }
            } else {
                add(fields, current);
                current = new StringBuilder(text);
                if (!isFieldStart(text)) {
                    malformed = true;
                }
            }
            if (c < 0) {
                add(fields, current);
                return new SubmittedHeader(fields, malformed, false);
            }
        }
    }

    private static boolean isFieldStart(String line) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        for (int i = 0; i < colon; i++) {
            char ch = line.charAt(i);
            if (ch < 33 || ch > 126) {
                return false;
            }
        }
        return true;
    }

    private static void add(List<Field> fields, StringBuilder field) {
        if (field == null) {
            return;
        }
        String text = field.toString();
        int colon = text.indexOf(':');
        if (colon <= 0) {
            return;
        }
        fields.add(new Field(text.substring(0, colon), text.substring(colon + 1).strip()));
    }

    /** A line in the section that is neither a field nor the continuation of one. */
    public boolean malformed() {
        return malformed;
    }

    /** The section did not end within the bound. */
    public boolean tooLarge() {
        return tooLarge;
    }

    public List<Field> fields() {
        return fields;
    }

    /** The values of every field called {@code name} (case-insensitive), in order. */
    public List<String> values(String name) {
        return fields.stream().filter(f -> f.name().equalsIgnoreCase(name)).map(Field::value).toList();
    }

    public boolean has(String name) {
        return !values(name).isEmpty();
    }

    /**
     * The addresses the message claims as its authors. Refused: no From:, more than one From: or
     * Sender:, groups or several mailboxes, an address that is not one, and a display name that
     * holds an address other than its own (so "support@bank.example" &lt;me@here&gt; cannot mislead).
     */
    public Authors authors() {
        List<String> from = values("From");
        List<String> sender = values("Sender");
        if (from.isEmpty()) {
            return new Authors.Refused("A From: header is required");
        }
        if (from.size() > 1 || sender.size() > 1) {
            return new Authors.Refused("Only one From: and one Sender: header allowed");
        }
        List<EmailAddress> claimed = new ArrayList<>();
        for (String value : concat(from, sender)) {
            Optional<EmailAddress> a = singleMailbox(value);
            if (a.isEmpty()) {
                return new Authors.Refused("From: and Sender: must each name exactly one address of yours,"
                        + " with no other address in the display name");
            }
            claimed.add(a.get());
        }
        return new Authors.Claimed(claimed);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static Optional<EmailAddress> singleMailbox(String value) {
        AddressList list;
        try {
            list = DefaultAddressParser.DEFAULT.parseAddressList(value);
        } catch (ParseException | RuntimeException e) {
            return Optional.empty();
        }
        if (list.size() != 1) {
            return Optional.empty();
        }
        Address only = list.get(0);
        if (!(only instanceof Mailbox mailbox) || mailbox.getDomain() == null) {
            return Optional.empty();
        }
        EmailAddress address;
        try {
            address = EmailAddress.parse(mailbox.getAddress());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        String name = mailbox.getName();
        if (name != null) {
            String decoded = DecoderUtil.decodeEncodedWords(name, DecodeMonitor.SILENT);
            for (String shown : List.of(name, decoded)) {
                if (embedsOtherAddress(shown, address)) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(address);
    }

    /** Any '@' in a display name is taken as an address, unless the name is exactly its own address. */
    static boolean embedsOtherAddress(String name, EmailAddress own) {
        String n = name.strip().replaceAll("^[\"'<]+|[\"'>]+$", "");
        if (n.toLowerCase(Locale.ROOT).equals(own.toString().toLowerCase(Locale.ROOT))) {
            return false;
        }
        return name.indexOf('@') >= 0 || name.indexOf('\uFF20') >= 0 || name.indexOf('\uFE6B') >= 0;
    }
}
