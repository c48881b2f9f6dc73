package org.postern.codec.smtp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds the 250 reply to EHLO: the server's name, then one line per extension offered, in a
 * fixed order. STARTTLS and AUTH appear only when the caller says they are offered on this
 * connection (never STARTTLS once TLS is up; AUTH typically only under TLS).
 */
public final class EhloResponse {
    private static final Pattern SERVER_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,253}[A-Za-z0-9])?");
    private static final Pattern SASL_MECH = Pattern.compile("[A-Z0-9_-]{1,20}");

    private EhloResponse() {}

    /** Starts a response naming this server (an ASCII host name). */
    public static Builder builder(String serverName) {
        if (serverName == null || !SERVER_NAME.matcher(serverName).matches()) {
            throw new IllegalArgumentException("server name must be an ASCII host name");
        }
        return new Builder(serverName);
    }

    /** Collects the extensions to advertise; {@link #build()} checks that they make sense together. */
    public static final class Builder {
        private final String serverName;
        private String greeting = "";
        private boolean pipelining;
        private long size = -1;
        private boolean eightBitMime;
        private boolean enhancedStatusCodes;
        private boolean smtpUtf8;
        private boolean chunking;
        private boolean binaryMime;
        private boolean startTls;
        private final Set<String> authMechanisms = new LinkedHashSet<>();

        private Builder(String serverName) {
            this.serverName = serverName;
        }

        /** Optional text after the server name on the first line (printable ASCII). */
        public Builder greeting(String text) {
            this.greeting = text;
            return this;
        }

        public Builder pipelining() {
            pipelining = true;
            return this;
        }

        /** RFC 1870 SIZE with the fixed maximum in bytes (0 = no fixed maximum). */
        public Builder size(long maxMessageBytes) {
            if (maxMessageBytes < 0) {
                throw new IllegalArgumentException("SIZE must not be negative");
            }
            size = maxMessageBytes;
            return this;
        }

        public Builder eightBitMime() {
            eightBitMime = true;
            return this;
        }

        public Builder enhancedStatusCodes() {
            enhancedStatusCodes = true;
            return this;
        }

        public Builder smtpUtf8() {
            smtpUtf8 = true;
            return this;
        }

        /** RFC 3030 CHUNKING (BDAT). */
        public Builder chunking() {
            chunking = true;
            return this;
        }

        /** RFC 3030 BINARYMIME; needs {@link #chunking()}. */
        public Builder binaryMime() {
            binaryMime = true;
            return this;
        }

        /** Call only when STARTTLS is offered on this connection (plain text, TLS configured). */
        public Builder startTls() {
            startTls = true;
            return this;
        }

        /** Call only when AUTH is offered on this connection; an empty list adds no AUTH line. */
        public Builder auth(List<String> mechanisms) {
            for (String m : mechanisms) {
                String upper = m.toUpperCase(Locale.ROOT);
                if (!SASL_MECH.matcher(upper).matches()) {
                    throw new IllegalArgumentException("not a SASL mechanism name");
                }
                authMechanisms.add(upper);
            }
            return this;
        }

        public SmtpReply build() {
            if (binaryMime && !chunking) {
                throw new IllegalArgumentException("BINARYMIME requires CHUNKING (RFC 3030)");
            }
            List<String> lines = new ArrayList<>();
            lines.add(greeting.isEmpty() ? serverName : serverName + " " + greeting);
            if (pipelining) {
                lines.add("PIPELINING");
            }
            if (size >= 0) {
                lines.add("SIZE " + size);
            }
            if (eightBitMime) {
                lines.add("8BITMIME");
            }
            if (enhancedStatusCodes) {
                lines.add("ENHANCEDSTATUSCODES");
            }
            if (smtpUtf8) {
                lines.add("SMTPUTF8");
            }
            if (chunking) {
                lines.add("CHUNKING");
            }
            if (binaryMime) {
                lines.add("BINARYMIME");
            }
            if (startTls) {
                lines.add("STARTTLS");
            }
            if (!authMechanisms.isEmpty()) {
                lines.add("AUTH " + String.join(" ", authMechanisms));
            }
            return new SmtpReply(250, null, lines);
        }
    }
}
