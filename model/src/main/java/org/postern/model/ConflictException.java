package org.postern.model;

/** The change would break a uniqueness or state rule (a name taken, an address already revoked). */
public final class ConflictException extends PosternException {
    public ConflictException(String message) {
        super(message);
    }

    public ConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
