package org.postern.codec.imap;

import java.util.Objects;

/** A client's answer to an AUTHENTICATE challenge (RFC 9051 §6.2.2), read by {@link ImapCommandReader#readSaslResponse()}. */
public sealed interface SaslResponse {

    /** Decoded Base64 (empty for an empty line). Carries credentials: {@link #toString()} hides them. */
    record Data(byte[] bytes) implements SaslResponse {
        public Data {
            Objects.requireNonNull(bytes);
        }

        @Override
        public String toString() {
            return "Data[" + bytes.length + " bytes, redacted]";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Data d && java.util.Arrays.equals(bytes, d.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }
    }

    /** {@code *}: the client cancelled; answer tagged BAD. */
    record Cancelled() implements SaslResponse {}

    /** Not Base64, too long or ended by a bare LF: answer tagged BAD and end the exchange. */
    record Invalid(Refusal refusal) implements SaslResponse {
        public Invalid {
            Objects.requireNonNull(refusal);
        }
    }

    /** The client closed the connection. */
    record EndOfStream() implements SaslResponse {}
}
