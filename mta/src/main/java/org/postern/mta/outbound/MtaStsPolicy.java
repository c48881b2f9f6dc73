package org.postern.mta.outbound;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An MTA-STS policy (RFC 8461 §3.2) as a destination domain publishes it over HTTPS. Parsed
 * strictly from untrusted text: anything malformed is no policy at all (RFC 8461 §3.3: the sender
 * then acts as if the domain had none, or keeps a still-valid cached one).
 *
 * @param mx the allowed MX host patterns ({@code mail.example.com} or {@code *.example.com}), lower case
 */
public record MtaStsPolicy(Mode mode, List<String> mx, Duration maxAge) {
    /** RFC 8461 §3.2: max_age is at most 31557600 seconds (about a year). */
    static final long MAX_AGE_SECONDS = 31_557_600L;
    static final int MAX_MX = 100;
    private static final Pattern HOST = Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9-]{0,62})(\\.[a-z0-9]([a-z0-9-]{0,62}))*");
    private static final Pattern TXT_ID = Pattern.compile("[A-Za-z0-9]{1,32}");

    public enum Mode { ENFORCE, TESTING, NONE }

    public MtaStsPolicy {
        Objects.requireNonNull(mode, "mode");
        mx = List.copyOf(mx);
        Objects.requireNonNull(maxAge, "maxAge");
    }

    /** The policy in {@code text}, or empty when it breaks the grammar or our limits. */
    public static Optional<MtaStsPolicy> parse(String text) {
        String version = null;
        String mode = null;
        String maxAge = null;
        List<String> mx = new ArrayList<>();
        for (String raw : text.split("\n", -1)) {
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                return Optional.empty();
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "version" -> {
                    if (version != null) {
                        return Optional.empty();
                    }
                    version = value;
                }
                case "mode" -> {
                    if (mode != null) {
                        return Optional.empty();
                    }
                    mode = value;
                }
                case "max_age" -> {
                    if (maxAge != null) {
                        return Optional.empty();
                    }
                    maxAge = value;
                }
                case "mx" -> {
                    String host = value.toLowerCase(Locale.ROOT);
                    if (!HOST.matcher(host).matches() || mx.size() >= MAX_MX) {
                        return Optional.empty();
                    }
                    mx.add(host);
                }
                default -> {
                    // RFC 8461 §3.2: other keys are extensions, ignored.
                }
            }
        }
        if (!"STSv1".equals(version) || mode == null || maxAge == null || !maxAge.matches("[0-9]{1,10}")) {
            return Optional.empty();
        }
        long age = Long.parseLong(maxAge);
        if (age > MAX_AGE_SECONDS) {
            return Optional.empty();
        }
        Mode m;
        switch (mode) {
            case "enforce" -> m = Mode.ENFORCE;
            case "testing" -> m = Mode.TESTING;
            case "none" -> m = Mode.NONE;
            default -> {
                return Optional.empty();
            }
        }
        if (m != Mode.NONE && mx.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new MtaStsPolicy(m, mx, Duration.ofSeconds(age)));
    }

    /** True when {@code host} (an MX target) matches one of the policy's patterns (RFC 8461 §4.1). */
    public boolean allows(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        for (String pattern : mx) {
            if (pattern.startsWith("*.")) {
                int dot = h.indexOf('.');
                if (dot > 0 && h.substring(dot + 1).equals(pattern.substring(2))) {
                    return true;
                }
            } else if (pattern.equals(h)) {
                return true;
            }
        }
        return false;
    }

    /** The {@code id} of an {@code _mta-sts} TXT record ({@code v=STSv1; id=...}), or empty when it is not one. */
    public static Optional<String> txtId(String txt) {
        String[] fields = txt.split(";");
        if (fields.length < 1 || !fields[0].strip().equals("v=STSv1")) {
            return Optional.empty();
        }
        for (int i = 1; i < fields.length; i++) {
            String f = fields[i].strip();
            if (f.startsWith("id=")) {
                String id = f.substring(3).strip();
                return TXT_ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
            }
        }
        return Optional.empty();
    }
}
