package org.postern.codec.imap;

/** How IDLE ended, as read by {@link ImapCommandReader#readIdleEnd()}. */
public enum IdleEnd {
    /** {@code DONE}: answer the IDLE command's tag with OK. */
    DONE,
    /**
     * Any other line (RFC 2177 allows only DONE): answer the IDLE's tag with BAD; the line is
     * not executed.
     */
    NOT_DONE,
    /** The client closed the connection. */
    END_OF_STREAM
}
