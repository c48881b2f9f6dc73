package org.postern.store;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.postern.model.SubmissionLimits;
import org.postern.model.TenantId;

/**
 * A tenant's overrides of the server's submission limits; an empty value means the server's
 * default applies (and follows it when the configuration changes). Absent from storage means
 * {@link #none}.
 */
public record TenantLimits(TenantId tenantId, OptionalLong maxMessageBytes, OptionalInt maxRecipients,
        OptionalInt messagesPerHour) {
    public TenantLimits {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(maxMessageBytes, "maxMessageBytes");
        Objects.requireNonNull(maxRecipients, "maxRecipients");
        Objects.requireNonNull(messagesPerHour, "messagesPerHour");
        maxMessageBytes.ifPresent(v -> SubmissionLimits.checkMessageBytes("max_message_bytes", v));
        maxRecipients.ifPresent(v -> SubmissionLimits.checkRecipients("max_recipients", v));
        messagesPerHour.ifPresent(v -> SubmissionLimits.checkMessagesPerHour("messages_per_hour", v));
    }

    public static TenantLimits none(TenantId tenant) {
        return new TenantLimits(tenant, OptionalLong.empty(), OptionalInt.empty(), OptionalInt.empty());
    }

    /** The limits in force for the tenant's users, given the server's defaults. */
    public SubmissionLimits over(SubmissionLimits defaults) {
        return defaults.with(maxMessageBytes, maxRecipients, messagesPerHour);
    }
}
