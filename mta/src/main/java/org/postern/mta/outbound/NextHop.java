package org.postern.mta.outbound;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A host and port to deliver to. From a routing override ({@code example.net=127.0.0.1:10025},
 * {@code other.test=[::1]:2525}) or an MX/A/AAAA lookup (port 25).
 */
public record NextHop(String host, int port) {
    public NextHop {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty() || host.length() > 255) {
            throw new IllegalArgumentException("host is empty or too long");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535");
        }
    }

    /** {@code host:port} or {@code [ipv6]:port}. */
    public static NextHop parse(String text) {
        String t = text.strip();
        String host;
        String port;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0 || close + 1 >= t.length() || t.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("expected [address]:port");
            }
            host = t.substring(1, close);
            port = t.substring(close + 2);
        } else {
            int colon = t.lastIndexOf(':');
            if (colon <= 0 || t.indexOf(':') != colon) {
                throw new IllegalArgumentException("expected host:port");
            }
            host = t.substring(0, colon);
            port = t.substring(colon + 1);
        }
        if (!port.matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException("port is not a number");
        }
        if (!host.matches("[A-Za-z0-9.:\\-]+")) {
            throw new IllegalArgumentException("host has characters a host name or address never has");
        }
        return new NextHop(host.toLowerCase(Locale.ROOT), Integer.parseInt(port));
    }

    /** {@code domain=host:port,domain=[v6]:port}: the transport map; an empty text is an empty map. */
    public static Map<String, NextHop> parseTransport(String spec) {
        Map<String, NextHop> map = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return map;
        }
        for (String entry : spec.split(",")) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected domain=host:port");
            }
            String domain = entry.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            if (!domain.matches("[a-z0-9]([a-z0-9.\\-]*[a-z0-9])?")) {
                throw new IllegalArgumentException("not a domain name: " + domain);
            }
            if (map.put(domain, parse(entry.substring(eq + 1))) != null) {
                throw new IllegalArgumentException("domain listed twice: " + domain);
            }
        }
        return map;
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
