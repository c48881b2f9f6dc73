package org.postern.model;

/** A dependency (database, disk) failed or timed out; the operation was not done and may be retried. */
public final class UnavailableException extends PosternException {
    public UnavailableException(String message) {
        super(message);
    }

    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
