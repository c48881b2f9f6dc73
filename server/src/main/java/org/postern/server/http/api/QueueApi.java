package org.postern.server.http.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.UUID;
import org.postern.access.Caller;
import org.postern.auth.Identity;
import org.postern.auth.signin.Principal;
import org.postern.model.AccessDeniedException;
import org.postern.model.InvalidInputException;
import org.postern.model.NotFoundException;
import org.postern.model.Role;
import org.postern.mta.outbound.OutboundQueue;
import org.postern.store.queue.QueuedRecipient;

/**
 * The outbound queue for server admins under {@code /api/v1/admin/queue}: list (newest first, paged
 * by {@code limit} and {@code offset}), show, retry now, delete. The admin's own view shows full addresses (the logs show them redacted). Only a server
 * admin with a full session, or an API token scoped "admin", gets here; the queue service asks
 * the access policy again with the same caller.
 */
public final class QueueApi {
    private static final String PREFIX = IdentityApi.PREFIX + "/admin/queue";
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 500;
    private static final int MAX_OFFSET = 1_000_000;

    private final OutboundQueue queue;
    private final ApiAuth auth;

    public QueueApi(Identity identity, OutboundQueue queue) {
        this.queue = queue;
        this.auth = new ApiAuth(identity);
    }

    public void register(RoutesConfig routes) {
        routes.get(PREFIX, this::list);
        routes.get(PREFIX + "/{id}", this::show);
        routes.post(PREFIX + "/{id}/retry", this::retry);
        routes.delete(PREFIX + "/{id}", this::delete);
    }

    private Caller.User serverAdmin(Context ctx) {
        Principal p = auth.principal(ctx);
        p.requireApiScope("admin");
        if (p.caller().role() != Role.SERVER_ADMIN) {
            throw new AccessDeniedException("not a server admin");
        }
        return p.caller();
    }

    private void list(Context ctx) {
        Caller.User admin = serverAdmin(ctx);
        int limit = DEFAULT_LIMIT;
        String given = ctx.queryParam("limit");
        if (given != null) {
            if (!given.matches("[0-9]{1,3}") || Integer.parseInt(given) < 1 || Integer.parseInt(given) > MAX_LIMIT) {
                throw new InvalidInputException("limit must be 1.." + MAX_LIMIT);
            }
            limit = Integer.parseInt(given);
        }
        int offset = 0;
        String from = ctx.queryParam("offset");
        if (from != null) {
            if (!from.matches("[0-9]{1,7}") || Integer.parseInt(from) > MAX_OFFSET) {
                throw new InvalidInputException("offset must be 0.." + MAX_OFFSET);
            }
            offset = Integer.parseInt(from);
        }
        ArrayNode messages = ApiJson.MAPPER.createArrayNode();
        // One more than asked tells whether a next page exists without a count query.
        List<OutboundQueue.Entry> page = queue.list(admin, Math.min(limit + 1, MAX_LIMIT), offset);
        page.stream().limit(limit).forEach(e -> messages.add(entry(e)));
        ObjectNode body = ApiJson.object();
        body.set("messages", messages);
        // At the largest limit the store cannot give one more: a full page then says "maybe more".
        if (page.size() > limit || (limit == MAX_LIMIT && page.size() == MAX_LIMIT)) {
            body.put("next_offset", offset + limit);
        }
        ApiJson.send(ctx, 200, body);
    }

    private void show(Context ctx) {
        Caller.User admin = serverAdmin(ctx);
        OutboundQueue.Entry e = queue.show(admin, id(ctx)).orElseThrow(() -> new NotFoundException("no such queued message"));
        ApiJson.send(ctx, 200, entry(e));
    }

    private void retry(Context ctx) {
        Caller.User admin = serverAdmin(ctx);
        if (!queue.retry(admin, id(ctx))) {
            throw new NotFoundException("no such queued message");
        }
        ctx.status(204);
    }

    private void delete(Context ctx) {
        Caller.User admin = serverAdmin(ctx);
        if (!queue.delete(admin, id(ctx))) {
            throw new NotFoundException("no such queued message");
        }
        ctx.status(204);
    }

    private static UUID id(Context ctx) {
        String text = ctx.pathParam("id");
        try {
            UUID id = UUID.fromString(text);
            if (id.toString().equals(text)) {
                return id;
            }
        } catch (IllegalArgumentException e) {
            // falls through
        }
        throw new InvalidInputException("not a queue id");
    }

    private static ObjectNode entry(OutboundQueue.Entry e) {
        ObjectNode m = ApiJson.object()
                .put("id", e.message().id().toString())
                .put("tenant_id", e.message().tenantId().toString())
                .put("user_id", e.message().ownerId().toString())
                .put("from", e.message().envelopeFrom().toString())
                .put("size", e.message().size())
                .put("created_at", e.message().createdAt().toString())
                .put("expires_at", e.message().expiresAt().toString());
        ArrayNode rcpts = m.putArray("recipients");
        for (QueuedRecipient r : e.recipients()) {
            ObjectNode o = rcpts.addObject()
                    .put("recipient", r.recipient().toString())
                    .put("state", r.state().name().toLowerCase(java.util.Locale.ROOT))
                    .put("attempts", r.attempts())
                    .put("next_attempt_at", r.nextAttemptAt().toString());
            r.lastReply().ifPresent(l -> o.put("last_reply", l));
        }
        return m;
    }
}
