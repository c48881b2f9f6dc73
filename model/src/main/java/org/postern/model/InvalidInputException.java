package org.postern.model;

/** Input that fails validation: a malformed address, a bad id, a value out of range. */
public final class InvalidInputException extends PosternException {
    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
