package org.postern.crypto;

/** A key file or configured secret that Postern refuses to start with; the message names the file or key. */
public final class KeyFileException extends RuntimeException {
    public KeyFileException(String message) {
        super(message);
    }

    public KeyFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
