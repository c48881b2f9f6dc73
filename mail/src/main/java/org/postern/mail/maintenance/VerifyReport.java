package org.postern.mail.maintenance;

import java.util.List;

/**
 * What {@link StoreVerifier} found. {@code failures} name message ids and the kind of failure,
 * never content.
 */
public record VerifyReport(int users, int messagesOk, List<String> failures, int orphanBlobs) {
    public VerifyReport {
        failures = List.copyOf(failures);
    }

    public boolean healthy() {
        return failures.isEmpty();
    }
}
