package org.postern.mail.message;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.postern.mail.keys.FieldSealer;
import org.postern.model.IntegrityException;
import org.postern.model.MessageId;
import org.postern.model.TenantId;
import org.postern.model.UserId;

/** Seals a {@link MessageSummary} as JSON under the owner's key, bound to the message id. */
public final class SummaryCodec {
    static final String FIELD = "message-summary";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final FieldSealer sealer;

    public SummaryCodec(FieldSealer sealer) {
        this.sealer = sealer;
    }

    public byte[] seal(TenantId tenant, UserId owner, MessageId id, MessageSummary summary) {
        try {
            return sealer.seal(tenant, owner, FIELD, id.toString(), JSON.writeValueAsBytes(summary));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public MessageSummary open(TenantId tenant, UserId owner, MessageId id, byte[] sealed) {
        byte[] json = sealer.open(tenant, owner, FIELD, id.toString(), sealed);
        try {
            return JSON.readValue(json, MessageSummary.class);
        } catch (IOException e) {
            throw new IntegrityException("message summary of " + id + " authenticated but is not valid JSON", e);
        }
    }
}
