package org.postern.mail.render;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.owasp.html.CssSchema;
import org.owasp.html.ElementPolicy;
import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.PolicyFactory;

/**
 * Turns the HTML of a message (hostile by assumption) into HTML a browser may show inside the
 * web app. Built on the OWASP Java HTML Sanitizer with an allowlist: only the formatting
 * elements and attributes below survive; everything else (script, style, link, meta, base,
 * form and its controls, iframe, frame, object, embed, applet, svg, math, video, audio, source,
 * event handlers, unknown elements) is dropped, and the text of script and style with them.
 *
 * <p>Nothing it outputs makes the browser fetch anything by itself unless the caller opted in:
 * <ul>
 *   <li>{@code img src} is kept only for {@code cid:} (rewritten to our inline-image endpoint by
 *       the caller's function) or, with remote images allowed, for {@code https:}; otherwise the
 *       source is removed and the image marked {@code data-postern-blocked="remote-image"} with
 *       an alt text, a placeholder the web app can offer to load. {@code srcset} is always
 *       dropped (one source is enough and each candidate would be a fetch to check).</li>
 *   <li>{@code style} attributes keep a small set of properties (colours, fonts, text, box
 *       sizes, borders) and never a {@code url(...)}: no background images, fonts or imports;
 *       no {@code expression()}, no {@code position}, {@code behavior} or {@code -moz-binding}.
 *       The {@code background} attribute and {@code <style>} elements are not allowed at all.</li>
 *   <li>Links keep {@code href} only for absolute {@code http:}, {@code https:} and {@code mailto:}
 *       URLs (never {@code javascript:}, {@code data:}, {@code vbscript:} or relative ones, which
 *       would point into the web app) and always get {@code target="_blank"} and
 *       {@code rel="noopener noreferrer"}.</li>
 * </ul>
 * Character references and whitespace in URLs are decoded by the sanitiser's HTML parser before
 * the protocol is checked, so {@code jav&#x09;ascript:} is recognised for what it is.
 */
public final class HtmlSanitiser {
    /** Marks an image whose remote source was removed; the web app shows its placeholder. */
    public static final String BLOCKED_ATTRIBUTE = "data-postern-blocked";

    private static final List<String> TEXT_ELEMENTS = List.of("a", "abbr", "address", "article", "aside", "b", "bdi",
            "bdo", "big", "blockquote", "br", "caption", "center", "cite", "code", "col", "colgroup", "dd", "del",
            "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "font", "footer", "h1", "h2", "h3",
            "h4", "h5", "h6", "header", "hr", "i", "ins", "kbd", "li", "main", "mark", "nav", "ol", "p", "pre", "q",
            "s", "samp", "section", "small", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody",
            "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var", "wbr");

    private static final Set<String> CSS_PROPERTIES = Set.of("color", "background-color", "font", "font-family",
            "font-size", "font-style", "font-variant", "font-weight", "text-align", "text-decoration",
            "text-indent", "text-transform", "letter-spacing", "word-spacing", "line-height", "white-space",
            "vertical-align", "width", "max-width", "min-width", "height", "max-height", "min-height", "margin",
            "margin-top", "margin-right", "margin-bottom", "margin-left", "padding", "padding-top",
            "padding-right", "padding-bottom", "padding-left", "border", "border-top", "border-right",
            "border-bottom", "border-left", "border-color", "border-style", "border-width", "border-collapse",
            "border-spacing", "border-radius", "list-style-type", "table-layout", "direction", "unicode-bidi");

    private static final Pattern WIDTH = Pattern.compile("[0-9]{1,4}%?");
    private static final Pattern COLOUR = Pattern.compile("#?[0-9a-zA-Z]{1,20}");
    private static final Pattern ALIGN = Pattern.compile("(?i)left|right|center|justify|top|middle|bottom|baseline");
    private static final Pattern LINK = Pattern.compile("(?i)(https?://|mailto:)[^\\s]*");

    /** A sanitised body and how many remote references were removed from it. */
    public record Sanitised(String html, int remoteBlocked) {}

    private HtmlSanitiser() {}

    /**
     * @param inlineUrl turns a Content-ID (without brackets) into the URL the web app loads it
     *     from; empty for a cid with no such part in the message (then the image is dropped)
     * @param allowRemoteImages keep {@code https:} image sources (the user asked to load them)
     */
    public static Sanitised sanitise(String html, Function<String, Optional<String>> inlineUrl,
            boolean allowRemoteImages) {
        int[] blocked = {0};
        ElementPolicy images = (name, attrs) -> {
            String src = take(attrs, "src");
            take(attrs, "srcset");
            if (src != null) {
                String trimmed = src.strip();
                String lower = trimmed.toLowerCase(Locale.ROOT);
                if (lower.startsWith("cid:")) {
                    Optional<String> url = inlineUrl.apply(decodeCid(trimmed.substring(4)));
                    if (url.isEmpty()) {
                        return null;
                    }
                    attrs.add("src");
                    attrs.add(url.get());
                    return name;
                }
                if (allowRemoteImages && lower.startsWith("https://")) {
                    attrs.add("src");
                    attrs.add(trimmed);
                    return name;
                }
            }
            blocked[0]++;
            String alt = take(attrs, "alt");
            attrs.add("alt");
            attrs.add(alt == null ? "" : alt); // the sender's alt text says what the image was
            attrs.add(BLOCKED_ATTRIBUTE);
            attrs.add("remote-image");
            return name;
        };
        ElementPolicy links = (name, attrs) -> {
            take(attrs, "target");
            take(attrs, "rel");
            String href = take(attrs, "href");
            if (href != null && LINK.matcher(href.strip()).matches()) {
                attrs.add("href");
                attrs.add(href.strip());
                attrs.add("target");
                attrs.add("_blank");
                attrs.add("rel");
                attrs.add("noopener noreferrer");
            }
            return name;
        };
        PolicyFactory policy = new HtmlPolicyBuilder()
                .allowElements(TEXT_ELEMENTS.toArray(String[]::new))
                .allowElements(links, "a")
                .allowElements(images, "img")
                .allowWithoutAttributes("a", "span", "font", "div")
                .allowUrlProtocols("http", "https", "mailto", "cid")
                .allowAttributes("href").onElements("a")
                .allowAttributes("title").globally()
                .allowAttributes("dir").matching(true, "ltr", "rtl", "auto").globally()
                .allowAttributes("lang").matching(Pattern.compile("[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8}){0,3}")).globally()
                .allowAttributes("src", "alt").onElements("img")
                .allowAttributes("width", "height").matching(WIDTH).onElements("img", "table", "td", "th", "col", "hr")
                .allowAttributes("align").matching(ALIGN).onElements("p", "div", "table", "td", "th", "tr", "img",
                        "h1", "h2", "h3", "h4", "h5", "h6", "caption", "hr")
                .allowAttributes("valign").matching(ALIGN).onElements("td", "th", "tr", "tbody", "thead", "tfoot")
                .allowAttributes("bgcolor").matching(COLOUR).onElements("table", "td", "th", "tr")
                .allowAttributes("color").matching(COLOUR).onElements("font")
                .allowAttributes("face").matching(Pattern.compile("[a-zA-Z0-9 ,\\-]{1,100}")).onElements("font")
                .allowAttributes("size").matching(Pattern.compile("[+-]?[0-9]")).onElements("font")
                .allowAttributes("border", "cellpadding", "cellspacing").matching(WIDTH).onElements("table")
                .allowAttributes("colspan", "rowspan").matching(Pattern.compile("[0-9]{1,3}")).onElements("td", "th")
                .allowAttributes("start").matching(Pattern.compile("[0-9]{1,6}")).onElements("ol")
                .allowStyling(CssSchema.withProperties(CSS_PROPERTIES))
                .toFactory();
        String out = policy.sanitize(html);
        return new Sanitised(out, blocked[0]);
    }

    /** Removes attribute {@code name} from an OWASP attribute list (name, value, name, value...). */
    private static String take(List<String> attrs, String name) {
        for (int i = 0; i + 1 < attrs.size(); i += 2) {
            if (attrs.get(i).equals(name)) {
                String value = attrs.get(i + 1);
                attrs.remove(i + 1);
                attrs.remove(i);
                return value;
            }
        }
        return null;
    }

    /** A cid: URL is percent-encoded (RFC 2392); the Content-ID header is not. */
    static String decodeCid(String cid) {
        try {
            return java.net.URLDecoder.decode(cid.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return cid;
        }
    }
}
