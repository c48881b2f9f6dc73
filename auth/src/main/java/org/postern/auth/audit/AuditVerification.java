package org.postern.auth.audit;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * The result of checking the audit chain from its first entry.
 *
 * @param entriesChecked how many entries were read (including the bad one, if any); when the
 *     log is intact this is also the last seq, which an operator can compare with an earlier run
 *     to notice entries removed from the end
 * @param firstBadSeq the seq of the first entry that does not follow from the one before it
 * @param problem what is wrong with it, or "" when nothing is
 */
public record AuditVerification(long entriesChecked, OptionalLong firstBadSeq, String problem) {
    public AuditVerification {
        Objects.requireNonNull(firstBadSeq, "firstBadSeq");
        Objects.requireNonNull(problem, "problem");
        if (firstBadSeq.isPresent() == problem.isEmpty()) {
            throw new IllegalArgumentException("a bad entry needs a problem, and only a bad entry has one");
        }
    }

    public static AuditVerification intact(long entriesChecked) {
        return new AuditVerification(entriesChecked, OptionalLong.empty(), "");
    }

    public boolean ok() {
        return firstBadSeq.isEmpty();
    }
}
