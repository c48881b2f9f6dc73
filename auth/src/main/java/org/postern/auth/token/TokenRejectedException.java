package org.postern.auth.token;

import java.util.Objects;
import org.postern.model.AccessDeniedException;

/**
 * An access token that was refused. The message is the same for every reason, so nothing that
 * reaches a client tells a forger which check failed; {@link #reason()} says it for the log.
 */
public final class TokenRejectedException extends AccessDeniedException {
    public static final String MESSAGE = "access token rejected";

    private final String reason;

    public TokenRejectedException(String reason) {
        super(MESSAGE);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public TokenRejectedException(String reason, Throwable cause) {
        super(MESSAGE, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why, for the operator's log only (such as "expired", "unknown kid", "bad signature"). */
    public String reason() {
        return reason;
    }
}
