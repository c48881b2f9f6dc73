package org.postern.mta.checks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A message (RFC 5322 header block and body, CRLF line ends) that can be opened for reading. The
 * checks open it exactly once per {@link SenderAuthentication#check} (headers are kept, capped in
 * size; the body is hashed as it streams) and close the stream; a source backed by the encrypted
 * store decrypts as it is read. An {@link IOException} while reading makes the DKIM and DMARC
 * results temperror.
 */
@FunctionalInterface
public interface MessageSource {

    /** Opens a new stream over the whole message, from its first header byte. */
    InputStream open() throws IOException;

    /** A source over bytes already in memory (the array is not copied: do not change it). */
    static MessageSource of(byte[] message) {
        Objects.requireNonNull(message, "message");
        return () -> new ByteArrayInputStream(message);
    }
}
