package org.postern.model;

/** The thing asked for does not exist, or the caller may not know that it does: the two look the same. */
public final class NotFoundException extends PosternException {
    public NotFoundException(String message) {
        super(message);
    }

    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
