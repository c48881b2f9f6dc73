package org.postern.server.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.postern.access.Caller;
import org.postern.auth.Identity;
import org.postern.auth.signin.Principal;
import org.postern.mail.render.RenderedMessage;
import org.postern.mail.webmail.Envelope;
import org.postern.mail.webmail.EnvelopeSort;
import org.postern.mail.webmail.MailboxSummary;
import org.postern.mail.webmail.MessageView;
import org.postern.mail.webmail.PartContent;
import org.postern.mail.webmail.SearchQuery;
import org.postern.mail.webmail.Webmail;
import org.postern.model.AddressId;
import org.postern.model.InvalidInputException;
import org.postern.model.MailboxId;
import org.postern.model.MessageId;

/**
 * A user's own mail: {@code /api/v1/mailboxes} and {@code /api/v1/messages}. Reads need a full
 * session or an API token with scope "read-mail", changes one with "manage-mail". Every handler
 * hands the work to {@link Webmail} with the signed-in user, so another user's or tenant's
 * message, mailbox or part is "not found" exactly like a missing one. This class only parses
 * and validates the request (naming the bad field) and writes the answer.
 *
 * <p>Parts are served with {@code Content-Disposition: attachment} (inline images: inline, and
 * only PNG, JPEG, GIF and WebP), {@code X-Content-Type-Options: nosniff}, a sandboxing CSP, and
 * a content type from a short passive list, anything else as application/octet-stream.
 */
public final class MailApi {
    static final String READ = "read-mail";
    static final String MANAGE = "manage-mail";
    static final int DEFAULT_LIMIT = 50;

    private final Webmail webmail;
    private final ApiAuth auth;

    public MailApi(Identity identity, Webmail webmail) {
        this.webmail = webmail;
        this.auth = new ApiAuth(identity);
    }

    public void register(RoutesConfig routes) {
        String p = IdentityApi.PREFIX;
        routes.get(p + "/mailboxes", this::mailboxes);
        routes.get(p + "/mailboxes/{id}/messages", this::envelopes);
        routes.get(p + "/messages", this::search);
        routes.get(p + "/messages/{id}", this::message);
        routes.delete(p + "/messages/{id}", this::delete);
        routes.post(p + "/messages/{id}/flags", this::flags);
        routes.post(p + "/messages/{id}/move", this::move);
        routes.get(p + "/messages/{id}/attachments/{part}", this::attachment);
        routes.get(p + "/messages/{id}/inline/{part}", this::inline);
    }

    private Caller.User caller(Context ctx, String scope) {
        Principal principal = auth.principal(ctx);
        principal.requireApiScope(scope);
        return principal.caller();
    }

    // ---------------------------------------------------------------- reads

    private void mailboxes(Context ctx) {
        Caller.User user = caller(ctx, READ);
        ArrayNode list = ApiJson.MAPPER.createArrayNode();
        for (MailboxSummary m : webmail.mailboxes(user)) {
            ObjectNode n = list.addObject().put("id", m.id().toString()).put("name", m.name());
            n.put("special_use", m.specialUse().map(u -> u.name().toLowerCase(Locale.ROOT)).orElse(null));
            n.put("total", m.total()).put("unseen", m.unseen());
        }
        ApiJson.send(ctx, 200, ApiJson.object().set("mailboxes", list));
    }

    private void envelopes(Context ctx) {
        Caller.User user = caller(ctx, READ);
        MailboxId mailbox = mailboxId(ctx.pathParam("id"), "id");
        EnvelopeSort sort = Optional.ofNullable(ctx.queryParam("sort")).map(EnvelopeSort::parse)
                .orElse(EnvelopeSort.ARRIVAL);
        boolean descending = order(ctx.queryParam("order"));
        Webmail.EnvelopePage page = webmail.envelopes(user, mailbox, sort, descending, cursor(ctx), limit(ctx));
        ArrayNode items = ApiJson.MAPPER.createArrayNode();
        page.items().forEach(e -> items.add(envelope(e)));
        ObjectNode body = ApiJson.object();
        body.set("messages", items);
        body.put("next_cursor", page.nextCursor().orElse(null));
        ApiJson.send(ctx, 200, body);
    }

    private void search(Context ctx) {
        Caller.User user = caller(ctx, READ);
        SearchQuery q = new SearchQuery(
                Optional.ofNullable(ctx.queryParam("mailbox")).map(v -> mailboxId(v, "mailbox")),
                text(ctx, "from"), text(ctx, "to"), text(ctx, "subject"), text(ctx, "body"),
                time(ctx, "since"), time(ctx, "before"),
                Optional.ofNullable(ctx.queryParam("has_attachment")).map(MailApi::bool),
                Optional.ofNullable(ctx.queryParam("arrived_on")).map(v -> addressId(v, "arrived_on")));
        Webmail.SearchPage page = webmail.search(user, q, cursor(ctx), limit(ctx));
        ArrayNode items = ApiJson.MAPPER.createArrayNode();
        page.items().forEach(e -> items.add(envelope(e)));
        ObjectNode body = ApiJson.object();
        body.set("messages", items);
        body.put("next_cursor", page.nextCursor().orElse(null));
        body.put("scanned", page.scanned());
        ApiJson.send(ctx, 200, body);
    }

    private void message(Context ctx) {
        Caller.User user = caller(ctx, READ);
        MessageId id = messageId(ctx.pathParam("id"));
        String remote = Optional.ofNullable(ctx.queryParam("remote_images")).orElse("block");
        if (!remote.equals("block") && !remote.equals("allow")) {
            throw new InvalidInputException("remote_images must be block or allow");
        }
        Function<String, String> inlineUrl = part -> inlineUrl(id, part);
        MessageView view = webmail.message(user, id, inlineUrl, remote.equals("allow"));
        ObjectNode n = envelope(view.envelope());
        n.put("reply_to", view.replyTo());
        n.put("message_id", view.messageIdHeader());
        RenderedMessage body = view.body();
        n.put("html", body.html().orElse(null));
        n.put("text", body.text().orElse(null));
        n.put("remote_content_blocked", body.remoteBlocked());
        n.put("truncated", body.truncated());
        ArrayNode attachments = n.putArray("attachments");
        for (RenderedMessage.Attachment a : body.attachments()) {
            ObjectNode an = attachments.addObject()
                    .put("part_id", a.partId())
                    .put("filename", a.filename())
                    .put("content_type", a.contentType())
                    .put("size", a.size())
                    .put("inline", a.inline());
            an.put("content_id", a.contentId().orElse(null));
            an.put("url", IdentityApi.PREFIX + "/messages/" + id + "/attachments/" + a.partId());
        }
        ApiJson.send(ctx, 200, n);
    }

    static String inlineUrl(MessageId id, String part) {
        return IdentityApi.PREFIX + "/messages/" + id + "/inline/" + part;
    }

    private void attachment(Context ctx) {
        Caller.User user = caller(ctx, READ);
        PartContent part = webmail.attachment(user, messageId(ctx.pathParam("id")), ctx.pathParam("part"));
        sendPart(ctx, part, "attachment");
    }

    private void inline(Context ctx) {
        Caller.User user = caller(ctx, READ);
        PartContent part = webmail.inlineImage(user, messageId(ctx.pathParam("id")), ctx.pathParam("part"));
        sendPart(ctx, part, "inline");
    }

    private static void sendPart(Context ctx, PartContent part, String disposition) {
        ctx.header("Content-Disposition", contentDisposition(disposition, part.filename()));
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "no-store");
        // Opened directly, the part is still a sandboxed document that may load nothing.
        ctx.header("Content-Security-Policy", "default-src 'none'; sandbox");
        ctx.status(200).contentType(part.contentType()).result(part.bytes());
    }

    /** RFC 6266: an ASCII fallback name and the exact name as RFC 8187 UTF-8. */
    static String contentDisposition(String disposition, String filename) {
        StringBuilder ascii = new StringBuilder();
        filename.codePoints().forEach(cp -> ascii.append(cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\'
                && cp != '%' && cp != ';' ? (char) cp : '_'));
        String encoded = URLEncoder.encode(filename, StandardCharsets.UTF_8).replace("+", "%20");
        return disposition + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }

    // ---------------------------------------------------------------- changes

    private void flags(Context ctx) {
        Caller.User user = caller(ctx, MANAGE);
        MessageId id = messageId(ctx.pathParam("id"));
        JsonNode body = ApiJson.body(ctx);
        Set<String> add = flagList(body, "add");
        Set<String> remove = flagList(body, "remove");
        if (add.isEmpty() && remove.isEmpty()) {
            throw new InvalidInputException("give add or remove");
        }
        ApiJson.send(ctx, 200, envelope(webmail.updateFlags(user, id, add, remove)));
    }

    private void move(Context ctx) {
        Caller.User user = caller(ctx, MANAGE);
        MessageId id = messageId(ctx.pathParam("id"));
        MailboxId target = mailboxId(ApiJson.text(ApiJson.body(ctx), "mailbox"), "mailbox");
        ApiJson.send(ctx, 200, envelope(webmail.move(user, id, target)));
    }

    private void delete(Context ctx) {
        Caller.User user = caller(ctx, MANAGE);
        MessageId id = messageId(ctx.pathParam("id"));
        switch (webmail.delete(user, id)) {
            case Webmail.Deleted.MovedToTrash moved -> {
                ObjectNode n = ApiJson.object().put("result", "moved_to_trash");
                n.set("message", envelope(moved.message()));
                ApiJson.send(ctx, 200, n);
            }
            case Webmail.Deleted.Expunged e -> ApiJson.send(ctx, 200, ApiJson.object().put("result", "expunged"));
        }
    }

    // ---------------------------------------------------------------- JSON and parameters

    static ObjectNode envelope(Envelope e) {
        ObjectNode n = ApiJson.object()
                .put("id", e.id().toString())
                .put("mailbox_id", e.mailbox().toString())
                .put("from", e.from())
                .put("to", e.to())
                .put("cc", e.cc())
                .put("subject", e.subject());
        n.put("date", e.date().map(Instant::toString).orElse(null));
        n.put("received", e.received().toString());
        n.put("size", e.size());
        ArrayNode flags = n.putArray("flags");
        new TreeSet<>(e.flags()).forEach(flags::add);
        n.put("has_attachment", e.hasAttachment());
        if (e.arrivedOn().isPresent()) {
            n.putObject("arrived_on").put("id", e.arrivedOn().get().id().toString())
                    .put("address", e.arrivedOn().get().address().toString());
        } else {
            n.putNull("arrived_on");
        }
        return n;
    }

    private static Set<String> flagList(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return Set.of();
        }
        if (!v.isArray() || v.size() > 20) {
            throw new InvalidInputException(field + " must be an array of at most 20 flags");
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode f : v) {
            if (!f.isTextual()) {
                throw new InvalidInputException(field + " must be an array of strings");
            }
            out.add(f.asText());
        }
        return out;
    }

    private static MessageId messageId(String value) {
        try {
            return MessageId.parse(value);
        } catch (RuntimeException e) {
            throw new InvalidInputException("id is not a valid message id");
        }
    }

    private static MailboxId mailboxId(String value, String field) {
        try {
            return MailboxId.parse(value);
        } catch (RuntimeException e) {
            throw new InvalidInputException(field + " is not a valid mailbox id");
        }
    }

    private static AddressId addressId(String value, String field) {
        try {
            return AddressId.parse(value);
        } catch (RuntimeException e) {
            throw new InvalidInputException(field + " is not a valid address id");
        }
    }

    private int limit(Context ctx) {
        String v = ctx.queryParam("limit");
        if (v == null) {
            return DEFAULT_LIMIT;
        }
        int max = webmail.limits().maxPage();
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw new InvalidInputException("limit must be a number from 1 to " + max);
    }

    private static Optional<String> cursor(Context ctx) {
        return Optional.ofNullable(ctx.queryParam("cursor"));
    }

    private static boolean order(String v) {
        if (v == null || v.equals("desc")) {
            return true;
        }
        if (v.equals("asc")) {
            return false;
        }
        throw new InvalidInputException("order must be asc or desc");
    }

    private static Optional<String> text(Context ctx, String field) {
        return Optional.ofNullable(ctx.queryParam(field));
    }

    private static boolean bool(String v) {
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidInputException("has_attachment must be true or false");
        };
    }

    /** An ISO-8601 instant ({@code 2026-11-02T10:00:00Z}) or a date ({@code 2026-11-02}, midnight UTC). */
    private static Optional<Instant> time(Context ctx, String field) {
        String v = ctx.queryParam(field);
        if (v == null) {
            return Optional.empty();
        }
        try {
            if (v.length() == 10) {
                return Optional.of(LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant());
            }
            return Optional.of(Instant.parse(v));
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(field + " must be a date (2026-11-02) or an instant (2026-11-02T10:00:00Z)");
        }
    }
}
