package org.postern.server.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postern.mta.checks.LoopbackDns;

/**
 * The records of a zone-file fragment as {@code ./postern dns DOMAIN} prints it, so a test can
 * serve some of them from a loopback DNS server exactly as an operator would publish them.
 */
record ZoneLines(List<Line> lines) {
    /** One record: owner name without the final dot, type, data (TXT strings joined, others as printed). */
    record Line(String name, String type, String value) {
        /** Adds this record to a loopback zone; an MX or CNAME target also gets an address so dnsmasq serves it. */
        LoopbackDns.Zone publish(LoopbackDns.Zone zone) {
            return switch (type) {
                case "TXT" -> zone.txt(name, value);
                case "MX" -> {
                    String[] f = value.split(" ", 2);
                    yield zone.mx(name, f[1].replaceAll("\\.$", ""), Integer.parseInt(f[0]));
                }
                case "CNAME" -> zone.a(value.replaceAll("\\.$", ""), "127.0.0.1").cname(name, value.replaceAll("\\.$", ""));
                default -> throw new IllegalArgumentException(type);
            };
        }
    }

    static ZoneLines parse(String zoneFile) {
        List<Line> out = new ArrayList<>();
        Pattern quoted = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
        for (String line : zoneFile.lines().toList()) {
            String[] f = line.split("\t", 5);
            if (f.length != 5 || line.startsWith(";")) {
                continue;
            }
            String value = f[4];
            if (f[3].equals("TXT")) {
                StringBuilder joined = new StringBuilder();
                Matcher m = quoted.matcher(f[4]);
                while (m.find()) {
                    joined.append(m.group(1));
                }
                value = joined.toString();
            }
            out.add(new Line(f[0].replaceAll("\\.$", ""), f[3], value));
        }
        return new ZoneLines(List.copyOf(out));
    }

    /** The record of that name and type (the first when there are several). */
    Line get(String name, String type) {
        return lines.stream().filter(l -> l.name().equals(name) && l.type().equals(type)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " " + name + " in " + lines));
    }

    List<Line> dkim() {
        return lines.stream().filter(l -> l.name().contains("._domainkey.")).toList();
    }
}
