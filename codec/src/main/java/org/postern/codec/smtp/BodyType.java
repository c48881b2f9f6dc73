package org.postern.codec.smtp;

/** The MAIL FROM {@code BODY=} parameter (RFC 1652, RFC 3030). */
public enum BodyType {
    SEVEN_BIT("7BIT"),
    EIGHT_BIT_MIME("8BITMIME"),
    BINARY_MIME("BINARYMIME");

    private final String keyword;

    BodyType(String keyword) {
        this.keyword = keyword;
    }

    /** The value as it appears on the wire. */
    public String keyword() {
        return keyword;
    }
}
