package org.postern.mail.render;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.mime4j.util.CharsetUtil;
import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.PolicyFactory;

/**
 * Renders a raw message for reading: decodes it ({@link MimeWalker}: charsets, quoted-printable,
 * base64, nested multiparts, attached messages), picks the body (in a multipart/alternative, the
 * HTML alternative for the HTML view and the plain one for the text view), sanitises the HTML
 * ({@link HtmlSanitiser}) and lists the attachments. Best effort: malformed MIME gives whatever
 * could be read, never an error. The content is untrusted throughout; nothing here executes or
 * fetches anything.
 */
public final class MessageRenderer {
    private static final Pattern PART_ID = Pattern.compile("[1-9][0-9]{0,4}(\\.[1-9][0-9]{0,4}){0,31}");
    private static final PolicyFactory TEXT_ONLY = new HtmlPolicyBuilder().toFactory();
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|amp|lt|gt|quot|apos|nbsp);");
    private static final Pattern BLOCK_END = Pattern.compile("(?i)</(p|div|tr|h[1-6]|li|table|blockquote)\\s*>|<br\\s*/?>");

    private final MimeWalker walker;
    private final RenderLimits limits;

    public MessageRenderer(RenderLimits limits) {
        this.limits = limits;
        this.walker = new MimeWalker(limits);
    }

    /** Whether {@code id} has the shape of a part id (checked before any message is read). */
    public static boolean isPartId(String id) {
        return id != null && PART_ID.matcher(id).matches();
    }

    /**
     * @param inlineUrl the URL the web app loads an inline part from, by part id
     * @param allowRemoteImages keep https image sources (the user opted in for this message)
     */
    public RenderedMessage render(InputStream raw, Function<String, String> inlineUrl, boolean allowRemoteImages)
            throws IOException {
        MimeWalker.Result walk = walker.walk(raw, new MimeWalker.Keep() {
            @Override
            public boolean test(MimePart p) {
                return p.isBodyText();
            }

            @Override
            public long maxBytes(MimePart p) {
                return limits.maxTextBytes();
            }
        });
        List<MimePart> parts = walk.parts();
        Set<String> groupsWithHtml = new HashSet<>();
        Set<String> groupsWithText = new HashSet<>();
        for (MimePart p : parts) {
            if (p.isBodyText() && p.alternativeGroup().isPresent()) {
                (p.mimeType().equals("text/html") ? groupsWithHtml : groupsWithText).add(p.alternativeGroup().get());
            }
        }
        Map<String, String> cids = new HashMap<>();
        for (MimePart p : parts) {
            p.contentId().ifPresent(cid -> cids.putIfAbsent(cid, p.id()));
        }
        Function<String, Optional<String>> cidUrl = cid -> Optional.ofNullable(cids.get(cid))
                .flatMap(partId -> parts.stream().filter(p -> p.id().equals(partId)).findFirst())
                .filter(p -> ContentTypes.isInlineImage(p.mimeType()))
                .map(p -> inlineUrl.apply(p.id()));
        StringBuilder html = new StringBuilder();
        StringBuilder text = new StringBuilder();
        boolean anyHtml = false;
        int blocked = 0;
        boolean truncated = walk.malformed();
        List<RenderedMessage.Attachment> attachments = new ArrayList<>();
        for (MimePart p : parts) {
            truncated |= p.truncated();
            if (!p.isBodyText()) {
                attachments.add(new RenderedMessage.Attachment(p.id(), SafeFileName.of(p.filename().orElse(null),
                        "part-" + p.id().replace('.', '-')), p.mimeType(), p.size(),
                        p.disposition().filter("inline"::equals).isPresent() || p.contentId().isPresent(),
                        p.contentId()));
                continue;
            }
            String body = decode(p);
            String group = p.alternativeGroup().orElse(null);
            if (p.mimeType().equals("text/html")) {
                anyHtml = true;
                HtmlSanitiser.Sanitised s = HtmlSanitiser.sanitise(body, cidUrl, allowRemoteImages);
                blocked += s.remoteBlocked();
                html.append(s.html());
                if (group == null || !groupsWithText.contains(group)) {
                    appendSeparated(text, htmlToText(body));
                }
            } else {
                appendSeparated(text, body);
                if (group == null || !groupsWithHtml.contains(group)) {
                    html.append("<pre>").append(TEXT_ONLY.sanitize(body)).append("</pre>");
                }
            }
        }
        return new RenderedMessage(anyHtml ? Optional.of(html.toString()) : Optional.empty(),
                text.isEmpty() ? Optional.empty() : Optional.of(text.toString()), attachments, blocked, truncated);
    }

    /**
     * One part's decoded content and description, by id.
     * @return empty when the message has no such part or it is larger than {@link RenderLimits#maxPartBytes}
     */
    public Optional<MimePart> part(InputStream raw, String id) throws IOException {
        if (!isPartId(id)) {
            return Optional.empty();
        }
        MimeWalker.Result walk = walker.walk(raw, new MimeWalker.Keep() {
            @Override
            public boolean test(MimePart p) {
                return p.id().equals(id);
            }

            @Override
            public long maxBytes(MimePart p) {
                return limits.maxPartBytes();
            }
        });
        return walk.part(id).filter(p -> p.content().isPresent() && !p.truncated());
    }

    private static void appendSeparated(StringBuilder text, String more) {
        if (more.isBlank()) {
            return;
        }
        if (!text.isEmpty()) {
            text.append("\n\n");
        }
        text.append(more);
    }

    /** Text of a part in its declared charset; unknown or missing charsets read as UTF-8, bad bytes replaced. */
    static String decode(MimePart p) {
        Charset cs = p.charset().map(name -> {
            try {
                return CharsetUtil.lookup(name.strip());
            } catch (RuntimeException e) {
                return null;
            }
        }).orElse(null);
        return new String(p.content().orElse(new byte[0]), cs == null ? StandardCharsets.UTF_8 : cs);
    }

    /** A readable text version of an HTML body (for the text view of an HTML-only message). */
    static String htmlToText(String html) {
        String withBreaks = BLOCK_END.matcher(html).replaceAll("$0\n");
        String escaped = TEXT_ONLY.sanitize(withBreaks);
        Matcher m = ENTITY.matcher(escaped);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(entity(m.group(1))));
        }
        m.appendTail(out);
        return out.toString().replaceAll("[ \\t\\x0B\\f\\r]+\\n", "\n").replaceAll("\\n{3,}", "\n\n").strip();
    }

    private static String entity(String name) {
        return switch (name) {
            case "amp" -> "&";
            case "lt" -> "<";
            case "gt" -> ">";
            case "quot" -> "\"";
            case "apos" -> "'";
            case "nbsp" -> " ";
            default -> {
                try {
                    int cp = name.startsWith("#x") ? Integer.parseInt(name.substring(2), 16)
                            : Integer.parseInt(name.substring(1));
                    yield Character.isValidCodePoint(cp) ? new String(Character.toChars(cp)) : "\uFFFD";
                } catch (NumberFormatException e) {
                    yield "\uFFFD";
                }
            }
        };
    }
}
