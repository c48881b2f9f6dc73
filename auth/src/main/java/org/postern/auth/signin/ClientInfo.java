package org.postern.auth.signin;

/**
 * Where a request came from, as far as the transport knows: for throttling, risk signals,
 * session lists and the audit log. Values are cut to a bound and stripped of control characters,
 * since both come from the client.
 */
public record ClientInfo(String ip, String userAgent) {
    public static final int MAX_IP_CHARS = 64;
    public static final int MAX_USER_AGENT_CHARS = 256;

    public ClientInfo {
        ip = clean(ip, MAX_IP_CHARS);
        userAgent = clean(userAgent, MAX_USER_AGENT_CHARS);
    }

    /** A command-line or internal action. */
    public static ClientInfo local(String what) {
        return new ClientInfo("local", what);
    }

    private static String clean(String value, int max) {
        if (value == null || value.isBlank()) {
            return "unknown";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), max));
        for (int i = 0; i < value.length() && out.length() < max; i++) {
            char c = value.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        return out.toString().strip();
    }
}
