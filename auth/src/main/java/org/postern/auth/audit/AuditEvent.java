package org.postern.auth.audit;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/**
 * Something that happened, before it is written to the audit log. Values that come from clients
 * (address, User-Agent, detail values) are cut to a bound and stripped of control characters;
 * names chosen by code (actor, action, outcome, detail keys) are refused when malformed. Details
 * are a few non-secret facts: never passwords, tokens, codes or message content.
 *
 * @param tenant the tenant the event belongs to, if any (required when there is a subject)
 * @param subject the user the event is about, whose own log shows it
 * @param actor who acted: "operator", "system:&lt;component&gt;", "user:&lt;id&gt;", "anonymous"
 * @param action what was attempted, such as "signin" or "mfa.enrol"
 * @param outcome such as "success", "failure", "denied"
 * @param ip the client address as the transport saw it ("" when none)
 * @param userAgent the client's User-Agent ("" when none), at most {@value #MAX_USER_AGENT_CHARS} characters
 * @param details at most {@value #MAX_DETAILS} entries, keys {@code [a-z0-9_.-]}, values at most
 *     {@value #MAX_DETAIL_CHARS} characters and all of them as JSON at most {@value #MAX_DETAILS_JSON_CHARS}
 */
public record AuditEvent(Optional<TenantId> tenant, Optional<UserId> subject, String actor, String action,
        String outcome, String ip, String userAgent, Map<String, String> details) {
    public static final int MAX_ACTOR_CHARS = 128;
    public static final int MAX_ACTION_CHARS = 64;
    public static final int MAX_OUTCOME_CHARS = 32;
    public static final int MAX_IP_CHARS = 64;
    public static final int MAX_USER_AGENT_CHARS = 256;
    public static final int MAX_DETAILS = 20;
    public static final int MAX_DETAIL_KEY_CHARS = 64;
    public static final int MAX_DETAIL_CHARS = 256;
    /** All details written as JSON; longer sets have their longest values cut (the store takes 4096). */
    public static final int MAX_DETAILS_JSON_CHARS = 4000;

    private static final Pattern NAME = Pattern.compile("[a-z0-9_.-]+");

    public AuditEvent {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(subject, "subject");
        if (subject.isPresent() && tenant.isEmpty()) {
            throw new IllegalArgumentException("an audit event about a user needs the user's tenant");
        }
        if (actor == null || actor.isBlank() || actor.length() > MAX_ACTOR_CHARS
                || actor.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
            throw new IllegalArgumentException("audit actor must be 1.." + MAX_ACTOR_CHARS + " visible characters");
        }
        name(action, MAX_ACTION_CHARS, "action");
        name(outcome, MAX_OUTCOME_CHARS, "outcome");
        ip = clean(ip, MAX_IP_CHARS);
        userAgent = clean(userAgent, MAX_USER_AGENT_CHARS);
        Map<String, String> given = details == null ? Map.of() : details;
        if (given.size() > MAX_DETAILS) {
            throw new IllegalArgumentException("an audit event has at most " + MAX_DETAILS + " details, got " + given.size());
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        given.forEach((key, value) -> {
            name(key, MAX_DETAIL_KEY_CHARS, "detail key");
            sorted.put(key, clean(value, MAX_DETAIL_CHARS));
        });
        fitJson(sorted);
        details = java.util.Collections.unmodifiableSortedMap(sorted);
    }

    /** Cuts the longest values (in half, repeatedly) until the details as JSON fit {@link #MAX_DETAILS_JSON_CHARS}. */
    private static void fitJson(TreeMap<String, String> details) {
        while (jsonChars(details) > MAX_DETAILS_JSON_CHARS) {
            Map.Entry<String, String> longest = details.entrySet().stream()
                    .max(java.util.Comparator.comparingInt(e -> e.getValue().length())).orElseThrow();
            details.put(longest.getKey(), clean(longest.getValue(), longest.getValue().length() / 2));
        }
    }

    /** The length of {@code {"k":"v",...}} as Jackson writes it: only quote and backslash are escaped in clean text. */
    static int jsonChars(Map<String, String> details) {
        int total = 2 + Math.max(0, details.size() - 1);
        for (Map.Entry<String, String> e : details.entrySet()) {
            total += e.getKey().length() + 3;
            String v = e.getValue();
            total += v.length() + 2;
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c == '"' || c == '\\') {
                    total++;
                }
            }
        }
        return total;
    }

    /** An event by a part of Postern acting on its own account, about nobody in particular. */
    public static AuditEvent system(String component, String action, String outcome, Map<String, String> details) {
        return new AuditEvent(Optional.empty(), Optional.empty(), "system:" + component, action, outcome, "", "", details);
    }

    /** An event by the operator at the command line, about nobody in particular. */
    public static AuditEvent operator(String action, String outcome, Map<String, String> details) {
        return new AuditEvent(Optional.empty(), Optional.empty(), "operator", action, outcome, "local", "", details);
    }

    /** The same event about {@code subject} of {@code tenant}. */
    public AuditEvent about(TenantId tenant, UserId subject) {
        return new AuditEvent(Optional.of(tenant), Optional.of(subject), actor, action, outcome, ip, userAgent, details);
    }

    private static void name(String value, int max, String what) {
        if (value == null || value.isEmpty() || value.length() > max || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException("audit " + what + " must be 1.." + max + " characters of [a-z0-9_.-]");
        }
    }

    /** Control characters become spaces; the text is cut to {@code max} characters, never inside a surrogate pair. */
    static String clean(String value, int max) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), max));
        for (int i = 0; i < value.length() && out.length() < max; ) {
            int c = value.codePointAt(i);
            int width = Character.charCount(c);
            if (out.length() + width > max) {
                break;
            }
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                out.append(' ');
            } else {
                out.appendCodePoint(c);
            }
            i += width;
        }
        return out.toString();
    }
}
