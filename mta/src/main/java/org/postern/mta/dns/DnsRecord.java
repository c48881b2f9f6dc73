package org.postern.mta.dns;

import java.util.List;
import java.util.Objects;

/**
 * One DNS record a hosted domain needs, as it goes in a zone file.
 *
 * @param name the owner name, fully qualified with the final dot
 * @param type MX, TXT or CNAME
 * @param value the record data; for TXT the whole text, unsplit
 * @param purpose what the record is for, one line, for people
 */
public record DnsRecord(String name, String type, String value, String purpose) {
    /** TXT character-strings hold at most 255 bytes (RFC 1035 §3.3.14); longer text is split across several. */
    public static final int MAX_TXT_STRING = 255;
    static final int TTL_SECONDS = 3600;

    public DnsRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(purpose, "purpose");
    }

    /** The TXT value as character-strings of at most 255 characters each (a single one for other types). */
    public List<String> strings() {
        if (!type.equals("TXT") || value.length() <= MAX_TXT_STRING) {
            return List.of(value);
        }
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < value.length(); i += MAX_TXT_STRING) {
            out.add(value.substring(i, Math.min(value.length(), i + MAX_TXT_STRING)));
        }
        return List.copyOf(out);
    }

    /** The record as one zone-file line: {@code name TTL IN TYPE data}, TXT strings quoted. */
    public String zoneLine() {
        String data = type.equals("TXT")
                ? String.join(" ", strings().stream().map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"").toList())
                : value;
        return name + "\t" + TTL_SECONDS + "\tIN\t" + type + "\t" + data;
    }
}
