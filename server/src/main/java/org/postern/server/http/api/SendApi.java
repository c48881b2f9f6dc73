package org.postern.server.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postern.access.Caller;
import org.postern.auth.Identity;
import org.postern.auth.signin.AuditEvents;
import org.postern.auth.signin.Principal;
import org.postern.mail.webmail.MessageView;
import org.postern.mail.webmail.Webmail;
import org.postern.model.EmailAddress;
import org.postern.model.InvalidInputException;
import org.postern.model.MessageId;
import org.postern.model.SubmissionLimits;
import org.postern.mta.intake.Spool;
import org.postern.mta.submission.ComposedMessage;
import org.postern.mta.submission.Submitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/messages/send}: composes a message from JSON and hands it to the same
 * {@link Submitter} as SMTP submission (own active From:, hourly budget shared with SMTP,
 * recipient and size limits, fixes, DKIM, Intake). Needs a full session or an API token with
 * scope "send". Answers only once Intake has made every copy durable: 201 when every recipient
 * is local, 202 when some are queued for remote delivery. The sender's Sent copy is always kept.
 */
public final class SendApi {
    private static final Logger LOG = LoggerFactory.getLogger(SendApi.class);
    static final String SCOPE = "send";
    static final int MAX_ATTACHMENTS = 100;
    private static final int SPOOL_MEMORY_BYTES = 1024 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Identity identity;
    private final Webmail webmail;
    private final Submitter submitter;
    private final Path spoolDir;
    private final Clock clock;
    private final ApiAuth auth;
    private final String hostname;

    /**
     * The services may be null only when declaring routes (the handlers are then never called).
     * The request body is bounded by the HTTPS listener (http_max_request_bytes).
     *
     * @param spoolDir where composed messages are spooled (large ones encrypted, as for SMTP)
     */
    public SendApi(Identity identity, Webmail webmail, Submitter submitter, Path spoolDir, Clock clock,
            String hostname) {
        this.identity = identity;
        this.webmail = webmail;
        this.submitter = submitter;
        this.spoolDir = spoolDir;
        this.clock = clock;
        this.auth = new ApiAuth(identity);
        this.hostname = hostname;
    }

    public void register(RoutesConfig routes) {
        routes.post(IdentityApi.PREFIX + "/messages/send", this::send);
    }

    private void send(Context ctx) throws IOException {
        Principal principal = auth.principal(ctx);
        principal.requireApiScope(SCOPE);
        Caller.User user = principal.caller();
        JsonNode body = ApiJson.body(ctx);
        EmailAddress from = address(ApiJson.text(body, "from"), "from");
        List<EmailAddress> to = addresses(body, "to");
        List<EmailAddress> cc = addresses(body, "cc");
        List<EmailAddress> bcc = addresses(body, "bcc");
        Set<EmailAddress> envelope = new LinkedHashSet<>(to);
        envelope.addAll(cc);
        envelope.addAll(bcc);
        if (envelope.isEmpty()) {
            throw new InvalidInputException("to, cc or bcc must name at least one recipient");
        }
        // The user's tenant's limit, read now (a lookup failure is answered 503 by the error mapping).
        SubmissionLimits limits = submitter.limits(user);
        if (envelope.size() > limits.maxRecipients()) {
            audit(ctx, user, Submitter.tooManyRecipients(limits).audit());
            throw new InvalidInputException("at most " + limits.maxRecipients() + " recipients per message");
        }
        Optional<MessageId> answered = ApiJson.optionalText(body, "in_reply_to").map(SendApi::messageId);
        Optional<String> parent = answered.map(id -> {
            MessageView view = webmail.message(user, id, part -> "", false);
            return view.messageIdHeader();
        }).filter(v -> v != null && !v.isBlank());
        ComposedMessage.Draft draft = new ComposedMessage.Draft(from, ApiJson.optionalText(body, "from_name"), to, cc,
                ApiJson.optionalText(body, "subject").orElse(""), ApiJson.text(body, "text"),
                ApiJson.optionalText(body, "html"), parent.map(SendApi::bracketed), parent.map(SendApi::bracketed)
                        .map(List::of).orElse(List.of()), attachments(body));
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        ComposedMessage message = ComposedMessage.compose(draft, clock.instant(), hostname, random);
        try (Spool spool = new Spool(spoolDir, SPOOL_MEMORY_BYTES)) {
            try (OutputStream out = spool.output()) {
                message.writeTo(out);
            }
            Submitter.Result result = submitter.submitWhole(user, from, List.copyOf(envelope), spool, true);
            switch (result) {
                case Submitter.Result.Accepted a -> {
                    answered.ifPresent(id -> markAnswered(user, id));
                    ApiJson.send(ctx, a.queued() ? 202 : 201, ApiJson.object()
                            .put("id", a.sentCopy().map(MessageId::toString).orElse(null))
                            .put("message_id", message.messageId()));
                }
                case Submitter.Result.Refused r -> refused(ctx, user, r);
                case Submitter.Result.TemporaryFailure t -> ApiJson.send(ctx, 503, ApiJson.object()
                        .put("error", "unavailable").put("correlation_id", t.correlation()));
            }
        }
    }

    private void refused(Context ctx, Caller.User user, Submitter.Result.Refused r) {
        if (!r.audit().isEmpty()) {
            audit(ctx, user, r.audit());
        }
        record Answer(int status, String code, String message) {}
        Answer a = switch (r.reason()) {
            case SENDER_NOT_OWNED, FROM_NOT_OWNED, FROM_INVALID -> new Answer(403, "sender_not_allowed",
                    "from must be an active address of yours");
            case MESSAGES_PER_HOUR -> new Answer(429, "too_many_requests", "hourly sending limit reached");
            case RECIPIENTS_PER_MESSAGE -> new Answer(400, "invalid_input", "too many recipients");
            case MESSAGE_SIZE, HEADER_SIZE -> new Answer(413, "message_too_large", "the message is too large");
            case RECIPIENT_UNKNOWN -> new Answer(422, "recipient_rejected", "a recipient address does not exist");
            case MAILBOX_FULL -> new Answer(422, "recipient_rejected", "a recipient's mailbox is full; try again later");
            case REMOTE_UNAVAILABLE -> new Answer(422, "recipient_rejected",
                    "remote recipients are refused: outbound delivery is not available on this server");
            case MALFORMED, NO_RECIPIENTS -> new Answer(400, "invalid_input", "the message could not be sent");
        };
        if (a.status() == 429) {
            ctx.header("Retry-After", "3600");
        }
        ApiJson.send(ctx, a.status(), ApiJson.object().put("error", a.code()).put("message", a.message()));
    }

    private void markAnswered(Caller.User user, MessageId id) {
        try {
            webmail.updateFlags(user, id, Set.of("\\Answered"), Set.of());
        } catch (RuntimeException e) {
            // The message is sent and durable; a missing flag must not turn that into an error.
            LOG.warn("event=api.send.answered_flag_failed reason={}", e.getClass().getSimpleName());
        }
    }

    private void audit(Context ctx, Caller.User user, Map<String, String> details) {
        try {
            identity.audit().record(AuditEvents.about(user.tenantId(), user.userId(), AuditEvents.actor(user.userId()),
                    "api.send", "refused", ApiAuth.client(ctx), details));
        } catch (RuntimeException e) {
            LOG.warn("event=api.send.audit_failed reason={}", e.getClass().getSimpleName());
        }
    }

    private static EmailAddress address(String text, String field) {
        ComposedMessage.headerText(field, text);
        try {
            return EmailAddress.parse(text.strip());
        } catch (RuntimeException e) {
            throw new InvalidInputException(field + " must be a plain email address (local@domain)");
        }
    }

    private static List<EmailAddress> addresses(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidInputException(field + " must be a list of addresses");
        }
        List<EmailAddress> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isTextual()) {
                throw new InvalidInputException(field + " must be a list of addresses");
            }
            if (i >= 10_000) {
                throw new InvalidInputException(field + " has too many addresses");
            }
            out.add(address(node.get(i).asText(), field + "[" + i + "]"));
        }
        return out;
    }

    private static List<ComposedMessage.Attachment> attachments(JsonNode body) {
        JsonNode node = body.get("attachments");
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidInputException("attachments must be a list");
        }
        if (node.size() > MAX_ATTACHMENTS) {
            throw new InvalidInputException("at most " + MAX_ATTACHMENTS + " attachments");
        }
        List<ComposedMessage.Attachment> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode a = node.get(i);
            String where = "attachments[" + i + "]";
            if (!a.isObject()) {
                throw new InvalidInputException(where + " must be an object");
            }
            String filename = ApiJson.text(a, "filename");
            String type = ApiJson.optionalText(a, "content_type").orElse("application/octet-stream");
            byte[] content;
            try {
                content = Base64.getDecoder().decode(ApiJson.text(a, "content_base64"));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(where + ".content_base64 is not valid base64");
            }
            out.add(new ComposedMessage.Attachment(filename, type, content));
        }
        return out;
    }

    private static MessageId messageId(String value) {
        try {
            return MessageId.parse(value);
        } catch (RuntimeException e) {
            throw new InvalidInputException("in_reply_to must be a message id");
        }
    }

    private static String bracketed(String id) {
        String v = id.strip();
        return v.startsWith("<") ? v : "<" + v + ">";
    }
}
