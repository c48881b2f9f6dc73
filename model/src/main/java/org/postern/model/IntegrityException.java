package org.postern.model;

/** Stored data failed an integrity check: a ciphertext that does not authenticate, a blob moved or swapped, a key that is gone. */
public final class IntegrityException extends PosternException {
    public IntegrityException(String message) {
        super(message);
    }

    public IntegrityException(String message, Throwable cause) {
        super(message, cause);
    }
}
