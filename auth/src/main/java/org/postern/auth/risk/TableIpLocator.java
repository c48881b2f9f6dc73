package org.postern.auth.risk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.postern.model.InvalidInputException;

/**
 * An {@link IpLocator} from an operator-supplied CSV table: one {@code cidr,latitude,longitude}
 * a line (IPv4 or IPv6 CIDR, decimal degrees), {@code #} comment lines and blank lines ignored.
 * The most specific (longest) prefix containing an address wins. The table is read once, in
 * full, into memory; a malformed line stops loading with an error naming the line, so a typo
 * never silently drops a network.
 */
public final class TableIpLocator implements IpLocator {
    /** Larger tables belong in a real database; this bounds memory and start-up time. */
    public static final long MAX_FILE_BYTES = 64L * 1024 * 1024;
    private static final Pattern DEGREES = Pattern.compile("-?[0-9]{1,3}(\\.[0-9]{1,12})?");
    private static final Pattern PREFIX = Pattern.compile("[0-9]{1,3}");

    /** An address or network: the 128 bits of IPv6, or IPv4 in {@code lo}. */
    private record Bits(long hi, long lo) {
        Bits masked(int prefix, int width) {
            if (width == 32) {
                long mask = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
                return new Bits(0, lo & mask);
            }
            long hiMask = prefix >= 64 ? -1L : prefix == 0 ? 0 : -1L << (64 - prefix);
            long loMask = prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
            return new Bits(hi & hiMask, lo & loMask);
        }

        static Bits of(InetAddress address) {
            ByteBuffer b = ByteBuffer.wrap(address.getAddress());
            return address instanceof Inet4Address ? new Bits(0, b.getInt() & 0xffffffffL) : new Bits(b.getLong(), b.getLong());
        }
    }

    /** The networks of one address family, by prefix length, longest first. */
    private record Family(int width, List<Integer> prefixes, Map<Integer, Map<Bits, GeoPoint>> byPrefix) {
        Optional<GeoPoint> find(Bits address) {
            for (int prefix : prefixes) {
                GeoPoint hit = byPrefix.get(prefix).get(address.masked(prefix, width));
                if (hit != null) {
                    return Optional.of(hit);
                }
            }
            return Optional.empty();
        }

        static Family of(int width, Map<Integer, Map<Bits, GeoPoint>> byPrefix) {
            List<Integer> prefixes = new ArrayList<>(byPrefix.keySet());
            prefixes.sort(Comparator.reverseOrder());
            return new Family(width, List.copyOf(prefixes), Map.copyOf(byPrefix));
        }
    }

    private final Family v4;
    private final Family v6;
    private final int size;

    private TableIpLocator(Map<Integer, Map<Bits, GeoPoint>> v4, Map<Integer, Map<Bits, GeoPoint>> v6, int size) {
        this.v4 = Family.of(32, v4);
        this.v6 = Family.of(128, v6);
        this.size = size;
    }

    /** A locator that knows nowhere: every lookup is empty (impossible-travel checks then never fire). */
    public static TableIpLocator empty() {
        return new TableIpLocator(Map.of(), Map.of(), 0);
    }

    /**
     * Reads {@code csv}.
     *
     * @throws InvalidInputException naming the file and line when the table is malformed or too large
     * @throws UncheckedIOException when it cannot be read
     */
    public static TableIpLocator load(Path csv) {
        try {
            long bytes = Files.size(csv);
            if (bytes > MAX_FILE_BYTES) {
                throw new InvalidInputException("IP location table " + csv + " is " + bytes + " bytes; at most "
                        + MAX_FILE_BYTES + " are read");
            }
            Map<Integer, Map<Bits, GeoPoint>> v4 = new HashMap<>();
            Map<Integer, Map<Bits, GeoPoint>> v6 = new HashMap<>();
            int entries = 0;
            try (InputStream in = Files.newInputStream(csv);
                    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8
                            .newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)))) {
                int lineNumber = 0;
                long read = 0;
                for (String line; (line = reader.readLine()) != null; ) {
                    lineNumber++;
                    read += line.length() + 1;
                    if (read > MAX_FILE_BYTES) {
                        throw new InvalidInputException("IP location table " + csv + " grew beyond " + MAX_FILE_BYTES
                                + " bytes while being read");
                    }
                    String text = line.strip();
                    if (text.isEmpty() || text.startsWith("#")) {
                        continue;
                    }
                    try {
                        addLine(text, v4, v6);
                    } catch (IllegalArgumentException e) {
                        throw new InvalidInputException("IP location table " + csv + " line " + lineNumber + ": "
                                + e.getMessage());
                    }
                    entries++;
                }
            } catch (CharacterCodingException e) {
                throw new InvalidInputException("IP location table " + csv + " is not UTF-8 text");
            }
            return new TableIpLocator(v4, v6, entries);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read IP location table " + csv, e);
        }
    }

    private static void addLine(String text, Map<Integer, Map<Bits, GeoPoint>> v4, Map<Integer, Map<Bits, GeoPoint>> v6) {
        String[] fields = text.split(",", -1);
        if (fields.length != 3) {
            throw new IllegalArgumentException("expected cidr,latitude,longitude");
        }
        String cidr = fields[0].strip();
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + shorten(cidr) + "' is not a CIDR (address/prefix length)");
        }
        String addressText = cidr.substring(0, slash);
        String prefixText = cidr.substring(slash + 1);
        InetAddress address;
        try {
            if (addressText.contains("%")) {
                throw new IllegalArgumentException("a network has no zone");
            }
            address = InetAddress.ofLiteral(addressText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + shorten(addressText) + "' is not an IP address");
        }
        boolean ipv4 = address instanceof Inet4Address;
        if (ipv4 && addressText.contains(":")) {
            throw new IllegalArgumentException("write the IPv4-mapped address " + shorten(addressText) + " in IPv4 form");
        }
        int width = ipv4 ? 32 : 128;
        if (!PREFIX.matcher(prefixText).matches() || Integer.parseInt(prefixText) > width) {
            throw new IllegalArgumentException("prefix length '" + shorten(prefixText) + "' is not 0.." + width);
        }
        int prefix = Integer.parseInt(prefixText);
        Bits network = Bits.of(address);
        if (!network.masked(prefix, width).equals(network)) {
            throw new IllegalArgumentException(cidr + " has bits set after the prefix");
        }
        GeoPoint point = new GeoPoint(degrees(fields[1].strip(), "latitude"), degrees(fields[2].strip(), "longitude"));
        Map<Bits, GeoPoint> networks = (ipv4 ? v4 : v6).computeIfAbsent(prefix, p -> new HashMap<>());
        if (networks.putIfAbsent(network, point) != null) {
            throw new IllegalArgumentException(cidr + " is listed twice");
        }
    }

    private static double degrees(String text, String what) {
        if (!DEGREES.matcher(text).matches()) {
            throw new IllegalArgumentException(what + " '" + shorten(text) + "' is not a decimal number of degrees");
        }
        return Double.parseDouble(text);
    }

    private static String shorten(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }

    /** How many networks the table holds. */
    public int size() {
        return size;
    }

    @Override
    public Optional<GeoPoint> locate(String ip) {
        if (ip == null || ip.isEmpty() || ip.length() > 64) {
            return Optional.empty();
        }
        InetAddress address;
        try {
            address = InetAddress.ofLiteral(ip);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Bits bits = Bits.of(address);
        return address instanceof Inet4Address ? v4.find(bits) : v6.find(bits);
    }
}
