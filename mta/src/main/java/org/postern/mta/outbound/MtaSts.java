package org.postern.mta.outbound;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.postern.mta.checks.DnsAnswer;
import org.postern.mta.checks.DnsSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MTA-STS (RFC 8461) for outbound delivery: the {@code _mta-sts.<domain>} TXT record says a
 * policy exists and its id; the policy is fetched from {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}
 * (certificate verified, no redirects, at most 64 KiB, with timeouts) and cached for its
 * {@code max_age}, or until the TXT id changes. The host is resolved through our bounded resolver,
 * never the machine's. A failed fetch keeps a still-valid cached policy (RFC 8461 §5.1).
 */
final class MtaSts {
    private static final Logger LOG = LoggerFactory.getLogger(MtaSts.class);
    static final int MAX_POLICY_BYTES = 64 * 1024;
    private static final int MAX_HEADER_BYTES = 8 * 1024;
    private static final int MAX_CACHE = 10_000;

    private record Cached(String id, MtaStsPolicy policy, Instant expires) {}

    private final SSLContext trust;
    private final int port;
    private final Duration timeout;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /** @param trust verifies the policy host's certificate (the JDK's roots in production) */
    MtaSts(SSLContext trust, int port, Duration timeout, Clock clock) {
        this.trust = trust;
        this.port = port;
        this.timeout = timeout;
        this.clock = clock;
    }

    static MtaSts standard(Duration timeout, Clock clock) {
        try {
            return new MtaSts(SSLContext.getDefault(), 443, timeout, clock);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("TLS is not available", e);
        }
    }

    /** The policy in force for {@code domain}, if it publishes one. Never throws. */
    Optional<MtaStsPolicy> policy(String domain, DnsSession dns) {
        Instant now = clock.instant();
        Cached cached = cache.get(domain);
        Optional<String> id = Optional.empty();
        DnsAnswer txt = dns.txt("_mta-sts." + domain);
        if (txt.status() == DnsAnswer.Status.OK) {
            List<String> ids = txt.values().stream().map(MtaStsPolicy::txtId).flatMap(Optional::stream).toList();
            id = ids.size() == 1 ? Optional.of(ids.getFirst()) : Optional.empty();
        }
        if (id.isEmpty()) {
            // No (valid) record: a cached policy stays in force until it expires (RFC 8461 §5.1).
            return cached != null && now.isBefore(cached.expires()) ? Optional.of(cached.policy()) : Optional.empty();
        }
        if (cached != null && cached.id().equals(id.get()) && now.isBefore(cached.expires())) {
            return Optional.of(cached.policy());
        }
        Optional<MtaStsPolicy> fetched = fetch(domain, dns).flatMap(MtaStsPolicy::parse);
        if (fetched.isPresent()) {
            if (cache.size() >= MAX_CACHE) {
                cache.clear();
            }
            cache.put(domain, new Cached(id.get(), fetched.get(), now.plus(fetched.get().maxAge())));
            return fetched;
        }
        LOG.info("event=outbound.mta_sts_fetch_failed domain={}", domain);
        return cached != null && now.isBefore(cached.expires()) ? Optional.of(cached.policy()) : Optional.empty();
    }

    /** The policy text, or empty on any failure. */
    Optional<String> fetch(String domain, DnsSession dns) {
        String host = "mta-sts." + domain;
        List<InetAddress> addresses = new ArrayList<>();
        for (DnsAnswer a : List.of(dns.a(host), dns.aaaa(host))) {
            if (a.status() == DnsAnswer.Status.OK) {
                a.values().stream().map(RouteResolver::literal).filter(java.util.Objects::nonNull).limit(4)
                        .forEach(addresses::add);
            }
        }
        for (InetAddress address : addresses) {
            try {
                return Optional.of(get(host, new InetSocketAddress(address, port)));
            } catch (IOException | RuntimeException e) {
                LOG.debug("event=outbound.mta_sts_fetch domain={} reason={}", domain, e.getClass().getSimpleName());
            }
        }
        return Optional.empty();
    }

    private String get(String host, InetSocketAddress address) throws IOException {
        try (SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket()) {
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            p.setServerNames(List.of(new SNIHostName(host)));
            p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            s.setSSLParameters(p);
            s.connect(address, (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write(("GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: " + host
                    + "\r\nUser-Agent: Postern\r\nAccept: text/plain\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return readResponse(s.getInputStream());
        }
    }

    /** A 200 response's body: Content-Length, chunked, or up to the end; anything else is an error. */
    static String readResponse(InputStream in) throws IOException {
        List<String> head = new ArrayList<>();
        int total = 0;
        while (true) {
            String line = line(in, MAX_HEADER_BYTES);
            total += line.length() + 2;
            if (total > MAX_HEADER_BYTES || head.size() > 100) {
                throw new IOException("response header too large");
            }
            if (line.isEmpty()) {
                break;
            }
            head.add(line);
        }
        if (head.isEmpty() || !head.getFirst().matches("HTTP/1\\.[01] 200( .*)?")) {
            throw new IOException("not a 200 response"); // redirects are not followed (RFC 8461 §3.3)
        }
        long length = -1;
        boolean chunked = false;
        for (String h : head.subList(1, head.size())) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header");
            }
            String name = h.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).strip();
            if (name.equals("content-length")) {
                if (!value.matches("[0-9]{1,9}")) {
                    throw new IOException("bad content-length");
                }
                length = Long.parseLong(value);
            } else if (name.equals("transfer-encoding")) {
                chunked = value.equalsIgnoreCase("chunked");
                if (!chunked) {
                    throw new IOException("unsupported transfer-encoding");
                }
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            while (true) {
                String size = line(in, 64);
                int semi = size.indexOf(';');
                String hex = (semi < 0 ? size : size.substring(0, semi)).strip();
                if (!hex.matches("[0-9a-fA-F]{1,6}")) {
                    throw new IOException("bad chunk size");
                }
                int n = Integer.parseInt(hex, 16);
                if (n == 0) {
                    break;
                }
                if (body.size() + n > MAX_POLICY_BYTES) {
                    throw new IOException("policy too large");
                }
                body.write(in.readNBytes(n));
                line(in, 2);
            }
        } else if (length >= 0) {
            if (length > MAX_POLICY_BYTES) {
                throw new IOException("policy too large");
            }
            byte[] b = in.readNBytes((int) length);
            if (b.length != length) {
                throw new IOException("truncated policy");
            }
            body.write(b);
        } else {
            byte[] b = in.readNBytes(MAX_POLICY_BYTES + 1);
            if (b.length > MAX_POLICY_BYTES) {
                throw new IOException("policy too large");
            }
            body.write(b);
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    private static String line(InputStream in, int max) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException();
            }
            if (b == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            if (sb.length() >= max) {
                throw new IOException("line too long");
            }
            sb.append((char) b);
        }
    }
}
