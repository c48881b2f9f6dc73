package org.postern.model;

/**
 * The caller may not do this. Front ends that must not reveal existence answer as for not-found.
 * Open for subclasses that carry a more precise reason for the log (such as a rejected token).
 */
public non-sealed class AccessDeniedException extends PosternException {
    public AccessDeniedException(String message) {
        super(message);
    }

    public AccessDeniedException(String message, Throwable cause) {
        super(message, cause);
    }
}
