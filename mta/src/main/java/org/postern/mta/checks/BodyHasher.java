package org.postern.mta.checks;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Streams a message body through the simple or relaxed body canonicalisation (RFC 6376 §3.4.3,
 * §3.4.4) into SHA-256, hashing at most {@code limit} canonical bytes (the l= tag) while counting
 * them all. Trailing empty lines are held back as a counter, so memory stays constant. A bare LF
 * ends a line like CRLF (the header reader does the same); a bare CR is ordinary content. Shared by
 * the verifier and the signer ({@code org.postern.mta.dkim}), so both hash a body the same way.
 */
public final class BodyHasher {
    private final boolean relaxed;
    private final long limit;
    private final MessageDigest digest;
    private final byte[] buffer = new byte[8192];
    private int buffered;
    private long canonicalLength;
    private long pendingEmptyLines;
    private boolean lineHasContent;
    private boolean pendingSpace;
    private boolean pendingCr;
    private boolean finished;

    /**
     * @param relaxed relaxed (true) or simple body canonicalisation
     * @param limit how many canonical bytes to hash; {@code Long.MAX_VALUE} for the whole body
     */
    public BodyHasher(boolean relaxed, long limit) {
        this.relaxed = relaxed;
        this.limit = limit;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    public void update(byte[] data, int off, int len) {
        for (int i = off; i < off + len; i++) {
            update(data[i]);
        }
    }

    private void update(byte b) {
        if (pendingCr) {
            pendingCr = false;
            if (b == '\n') {
                endLine();
                return;
            }
            content((byte) '\r');
        }
        if (b == '\r') {
            pendingCr = true;
        } else if (b == '\n') {
            endLine();
        } else if (relaxed && (b == ' ' || b == '\t')) {
            pendingSpace = true;
        } else {
            content(b);
        }
    }

    private void content(byte b) {
        if (!lineHasContent) {
            for (; pendingEmptyLines > 0; pendingEmptyLines--) {
                emit((byte) '\r');
                emit((byte) '\n');
            }
            lineHasContent = true;
        }
        if (pendingSpace) {
            emit((byte) ' ');
            pendingSpace = false;
        }
        emit(b);
    }

    private void endLine() {
        if (lineHasContent) {
            emit((byte) '\r');
            emit((byte) '\n');
        } else {
            pendingEmptyLines++;
        }
        lineHasContent = false;
        pendingSpace = false; // relaxed: whitespace at the end of a line is dropped
    }

    private void emit(byte b) {
        if (canonicalLength < limit) {
            buffer[buffered++] = b;
            if (buffered == buffer.length) {
                digest.update(buffer, 0, buffered);
                buffered = 0;
            }
        }
        canonicalLength++;
    }

    /** Ends the body; returns the digest of the (possibly limited) canonical body. */
    public byte[] finish() {
        if (finished) {
            throw new IllegalStateException("already finished");
        }
        finished = true;
        if (pendingCr) {
            pendingCr = false;
            content((byte) '\r');
        }
        if (lineHasContent) {
            endLine(); // a missing final CRLF is added
        }
        if (!relaxed && canonicalLength == 0) {
            emit((byte) '\r'); // simple: an empty body is a single CRLF
            emit((byte) '\n');
        }
        digest.update(buffer, 0, buffered);
        buffered = 0;
        return digest.digest();
    }

    /** The length of the whole canonical body (beyond any limit); valid after {@link #finish()}. */
    public long canonicalLength() {
        return canonicalLength;
    }
}
