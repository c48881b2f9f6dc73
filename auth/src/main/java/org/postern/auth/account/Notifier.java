package org.postern.auth.account;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.mail.keys.FieldSealer;
import org.postern.model.EmailAddress;
import org.postern.model.IntegrityException;
import org.postern.store.MetadataStore;
import org.postern.store.Repositories;
import org.postern.store.User;
import org.postern.store.identity.OutboxMessage;

/**
 * Sends the notices identity needs (verification codes, recovery codes, "your password changed").
 * Until Postern has an outbound path, they go to the local outbox: sealed under the data key of
 * the user they concern, so no code is ever on disk in clear, and read by the operator with
 * {@code ./postern outbox list}.
 */
public final class Notifier {
    static final String SEALED_FIELD = "outbox";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A notice as the operator reads it. */
    public record Notice(UUID id, EmailAddress recipient, String kind, String subject, String body,
            java.time.Instant createdAt) {}

    private final MetadataStore store;
    private final AccessPolicy policy;
    private final FieldSealer sealer;
    private final Clock clock;

    public Notifier(MetadataStore store, AccessPolicy policy, FieldSealer sealer, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.sealer = sealer;
        this.clock = clock;
    }

    /** Queues a notice inside the caller's transaction, so it exists exactly when the change that caused it commits. */
    public void send(Repositories tx, User about, EmailAddress to, String kind, String subject, String body) {
        UUID id = UUID.randomUUID();
        ObjectNode content = JSON.createObjectNode().put("subject", subject).put("body", body);
        byte[] sealed = sealer.seal(tx, about.tenantId(), about.id(), SEALED_FIELD, id.toString(),
                content.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        tx.outbox().add(policy.scopeFor(new Caller.System("notifier")),
                new OutboxMessage(id, about.tenantId(), about.id(), to, kind, sealed, clock.instant()));
    }

    /** The newest notices the caller may see, opened. A notice whose key was destroyed is skipped. */
    public List<Notice> read(Caller caller, int limit) {
        Scope scope = policy.scopeFor(caller);
        List<OutboxMessage> messages = store.inTransaction(tx -> tx.outbox().list(scope, limit));
        List<Notice> out = new ArrayList<>();
        for (OutboxMessage m : messages) {
            try {
                String text = sealer.openText(m.tenantId(), m.userId(), SEALED_FIELD, m.id().toString(), m.sealedMessage());
                var node = JSON.readTree(text);
                out.add(new Notice(m.id(), m.recipient(), m.kind(), node.path("subject").asText(),
                        node.path("body").asText(), m.createdAt()));
            } catch (IntegrityException | com.fasterxml.jackson.core.JsonProcessingException e) {
                // Erased account or damaged row: nothing to show, and nothing secret to log.
            }
        }
        return out;
    }
}
