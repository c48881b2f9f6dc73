package org.postern.mail.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sanitiser against vectors of the OWASP XSS filter evasion cheat sheet and mutation-XSS
 * tricks. The check is structural: the sanitiser escapes every '<' that is text, so every '<'
 * left starts a real tag; each tag must be on the allowlist, no attribute may be an event
 * handler or a style with url()/expression(), and every URL attribute must be one we allow.
 */
class HtmlSanitiserTest {
    private static final Set<String> ALLOWED_TAGS = Set.of("a", "abbr", "address", "article", "aside", "b", "bdi", "bdo",
            "big", "blockquote", "br", "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "details",
            "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "font", "footer", "h1", "h2", "h3", "h4", "h5",
            "h6", "header", "hr", "i", "img", "ins", "kbd", "li", "main", "mark", "nav", "ol", "p", "pre", "q", "s",
            "samp", "section", "small", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td",
            "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var", "wbr");
    private static final Pattern TAG = Pattern.compile("<(/?)([a-zA-Z0-9]+)([^>]*)>");
    private static final Pattern ATTR = Pattern.compile("([a-zA-Z_:\\-]+)=\"([^\"]*)\"");

    private static HtmlSanitiser.Sanitised clean(String html) {
        return HtmlSanitiser.sanitise(html, cid -> cid.equals("logo@x") ? Optional.of("/inline/2") : Optional.empty(),
                false);
    }

    /** Fails if anything active survived. */
    static void assertInert(String out) {
        Matcher tags = TAG.matcher(out);
        while (tags.find()) {
            String tag = tags.group(2).toLowerCase(Locale.ROOT);
            assertThat(ALLOWED_TAGS).as("tag <%s> in %s", tag, out).contains(tag);
            Matcher attrs = ATTR.matcher(tags.group(3));
            List<String> names = new ArrayList<>();
            while (attrs.find()) {
                String name = attrs.group(1).toLowerCase(Locale.ROOT);
                String value = decodeEntities(attrs.group(2)).toLowerCase(Locale.ROOT).replaceAll("\\s", "");
                names.add(name);
                assertThat(name).as("attribute in %s", out).doesNotStartWith("on")
                        .isNotIn("srcset", "background", "poster", "action", "formaction", "srcdoc", "xmlns", "href:xlink");
                if (name.equals("href")) {
                    assertThat(value).as("href in %s", out).matches("(https?://|mailto:).*");
                }
                if (name.equals("src")) {
                    assertThat(value).as("src in %s", out).startsWith("/inline/");
                }
                if (name.equals("style")) {
                    assertThat(value).as("style in %s", out).doesNotContain("url(").doesNotContain("expression")
                            .doesNotContain("@import").doesNotContain("behavior").doesNotContain("binding")
                            .doesNotContain("position");
                }
            }
            // the raw attribute text holds nothing but the attributes matched (no smuggled quotes)
            assertThat(ATTR.matcher(tags.group(3)).replaceAll("").replaceAll("[\\s/]", "")).as("attrs of %s", out).isEmpty();
        }
        String lower = out.toLowerCase(Locale.ROOT);
        assertThat(lower).doesNotContain("<script").doesNotContain("<style").doesNotContain("<iframe")
                .doesNotContain("<svg").doesNotContain("<math").doesNotContain("<meta").doesNotContain("<base")
                .doesNotContain("<link").doesNotContain("<form").doesNotContain("<object").doesNotContain("<embed")
                .doesNotContain("<noscript").doesNotContain("<title").doesNotContain("<textarea");
    }

    private static String decodeEntities(String s) {
        Matcher m = Pattern.compile("&#(x?)([0-9a-fA-F]+);").matcher(s);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            int cp = Integer.parseInt(m.group(2), m.group(1).isEmpty() ? 10 : 16);
            m.appendReplacement(b, Matcher.quoteReplacement(new String(Character.toChars(cp))));
        }
        m.appendTail(b);
        return b.toString().replace("&amp;", "&").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
        "<IMG SRC=\"javascript:alert('XSS');\">",
        "<IMG SRC=javascript:alert('XSS')>",
        "<IMG SRC=JaVaScRiPt:alert('XSS')>",
        "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
        "<a onmouseover=\"alert(document.cookie)\">xxs link</a>",
        "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\">",
        "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
        "<img src=x onerror=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041\">",
        "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
        "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
        "<IMG SRC=\"jav\tascript:alert('XSS');\">",
        "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
        "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
        "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
        "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<a href=\" javascript:alert(1)\">x</a>",
        "<a href=\"JAVASCRIPT&colon;alert(1)\">x</a>",
        "<a href=\"vbscript:msgbox(1)\">x</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
        "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
        "<SCRIPT/XSS SRC=\"http://xss.example/xss.js\"></SCRIPT>",
        "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>",
        "<<SCRIPT>alert(\"XSS\");//\\<</SCRIPT>",
        "<SCRIPT SRC=http://xss.example/xss.js?< B >",
        "<IMG SRC=\"`<javascript:alert>`('XSS')\"",
        "</TITLE><SCRIPT>alert(\"XSS\");</SCRIPT>",
        "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">",
        "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
        "<IMG DYNSRC=\"javascript:alert('XSS')\">",
        "<IMG LOWSRC=\"javascript:alert('XSS')\">",
        "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
        "<svg/onload=alert('XSS')>",
        "<svg><script>alert(1)</script></svg>",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
        "<BGSOUND SRC=\"javascript:alert('XSS');\">",
        "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">",
        "<LINK REL=\"stylesheet\" HREF=\"http://xss.example/xss.css\">",
        "<STYLE>@import'http://xss.example/xss.css';</STYLE>",
        "<META HTTP-EQUIV=\"Link\" Content=\"<http://xss.example/xss.css>; REL=stylesheet\">",
        "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
        "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K\">",
        "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
        "<TABLE BACKGROUND=\"javascript:alert('XSS')\"><TD BACKGROUND=\"http://track.example/p.gif\">x</TD></TABLE>",
        "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">x</DIV>",
        "<DIV STYLE=\"background-image:\\0075\\0072\\006C\\0028'\\006a\\0061\\0076\\0061\\0073\\0063\\0072\\0069\\0070\\0074\\003a\\0061\\006c\\0065\\0072\\0074\\0028.1027\\0058.1053\\0053\\0027\\0029'\\0029\">x</DIV>",
        "<DIV STYLE=\"width: expression(alert('XSS'));\">x</DIV>",
        "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">",
        "<p style=\"behavior: url(x.htc); -moz-binding: url(x.xml#xss); position: fixed; top:0\">x</p>",
        "<BASE HREF=\"javascript:alert('XSS');//\">",
        "<base href=\"https://evil.example/\"><a href=\"/login\">x</a>",
        "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"http://xss.example/scriptlet.html\"></OBJECT>",
        "<EMBED SRC=\"data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv MjAwMC9zdmciIHhtbG5zOnhsaW5rPSJodHRwOi8vd3d3LnczLm9yZy8xOTk5L3hs aW5rIiB2ZXJzaW9uPSIxLjAiIHg9IjAiIHk9IjAiIHdpZHRoPSIxOTQiIGhlaWdodD0iMjAw IiBpZD0ieHNzIj48c2NyaXB0IHR5cGU9InRleHQvZWNtYXNjcmlwdCI+YWxlcnQoIlh TUyIpOzwvc2NyaXB0Pjwvc3ZnPg==\" type=\"image/svg+xml\" AllowScriptAccess=\"always\"></EMBED>",
        "<form action=\"https://phish.example/\"><input name=p type=password><button formaction=javascript:alert(1)>go</button></form>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
        "<title><img src=x onerror=alert(1)></title>",
        "<textarea><img src=x onerror=alert(1)></textarea>",
        "<xmp><img src=x onerror=alert(1)></xmp>",
        "<noembed><img src=x onerror=alert(1)></noembed>",
        "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">",
        "<math><mtext><table><mglyph><style><!--</style><img title=\"--&gt;&lt;img src=1 onerror=alert(1)&gt;\">",
        "<a href=\"https://ok.example/\" onclick=\"alert(1)\" target=\"_self\" rel=\"opener\">ok</a>",
        "<video poster=\"https://track.example/p.png\"><source src=\"https://track.example/v.mp4\"></video>",
        "<audio src=\"https://track.example/a.mp3\" autoplay></audio>",
        "<img src=x:alert(alt) onerror=eval(src) alt=0>",
        "<details open ontoggle=alert(1)>x</details>",
        "<a href=\"javas\u0000cript:alert(1)\">x</a>",
        "<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->",
        "<? echo('<SCR)'; echo('IPT>alert(\"XSS\")</SCRIPT>'); ?>",
        "<HEAD><META HTTP-EQUIV=\"CONTENT-TYPE\" CONTENT=\"text/html; charset=UTF-7\"> </HEAD>+ADw-SCRIPT+AD4-alert('XSS');+ADw-/SCRIPT+AD4-",
        "<img src=\"cid:logo@x\" onerror=\"alert(1)\" srcset=\"https://track.example/a.png 2x\">",
    })
    void nothingActiveSurvives(String vector) {
        assertInert(clean(vector).html());
    }

    /** The check itself can fail: unsanitised vectors do not pass it. */
    @ParameterizedTest
    @ValueSource(strings = {"<img src=x onerror=alert(1)>", "<a href=\"javascript:alert(1)\">x</a>", "<script>x</script>",
        "<p style=\"background:url(https://t.example/x)\">x</p>", "<img src=\"https://t.example/p.gif\">"})
    void theCheckCatchesActiveContent(String raw) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> assertInert(raw)).isInstanceOf(AssertionError.class);
    }

    @Test
    void formattingSurvives() {
        String out = clean("<p style=\"color: red; font-weight: bold\">Hi <b>there</b> <i>you</i></p>"
                + "<table border=\"1\"><tr><td bgcolor=\"#ff0000\">cell</td></tr></table>").html();
        assertThat(out).contains("<b>there</b>").contains("<i>you</i>").contains("color:red").contains("<td bgcolor=\"#ff0000\">");
        assertInert(out);
    }

    @Test
    void linksOpenInANewTabWithoutOpenerOrReferrer() {
        String out = clean("<a href=\"https://shop.example/x?a=1&b=2\" target=\"_self\" rel=\"opener\">shop</a>").html();
        assertThat(out).contains("href=\"https://shop.example/x?a&#61;1&amp;b&#61;2\"")
                .contains("target=\"_blank\"").contains("rel=\"noopener noreferrer\"").doesNotContain("_self")
                .doesNotContain("\"opener\"");
        assertThat(clean("<a href=\"/relative\">x</a>").html()).doesNotContain("href");
        assertThat(clean("<a href=\"mailto:a@b.example\">x</a>").html()).contains("href=\"mailto:a&#64;b.example\"");
    }

    @Test
    void remoteImagesAreBlockedAndCounted() {
        HtmlSanitiser.Sanitised s = clean("<img src=\"https://track.example/pixel.gif\" width=\"1\" height=\"1\">"
                + "<img src=\"http://track.example/a.png\" alt=\"logo\"><img srcset=\"https://t.example/a.png 1x\">"
                + "<div style=\"background-image: url(https://track.example/bg.png)\">x</div>"
                + "<div style=\"background: url('https://track.example/bg2.png')\">y</div>");
        assertThat(s.html()).doesNotContain("track.example").doesNotContain("t.example")
                .contains(HtmlSanitiser.BLOCKED_ATTRIBUTE + "=\"remote-image\"").contains("alt=\"logo\"");
        assertThat(s.remoteBlocked()).isEqualTo(3);
        assertInert(s.html());
    }

    @Test
    void remoteImagesLoadOnlyOverHttpsWhenAllowed() {
        HtmlSanitiser.Sanitised s = HtmlSanitiser.sanitise("<img src=\"https://img.example/a.png\">"
                + "<img src=\"http://img.example/b.png\"><div style=\"background:url(https://img.example/c.png)\">x</div>",
                cid -> Optional.empty(), true);
        assertThat(s.html()).contains("src=\"https://img.example/a.png\"").doesNotContain("b.png")
                .doesNotContain("c.png");
        assertThat(s.remoteBlocked()).isEqualTo(1);
    }

    @Test
    void cidImagesPointAtTheInlineEndpoint() {
        String out = clean("<img src=\"cid:logo@x\" alt=\"Logo\"><img src=\"CID:logo%40x\"><img src=\"cid:missing@x\">").html();
        assertThat(out).contains("<img alt=\"Logo\" src=\"/inline/2\" />").doesNotContain("cid:")
                .doesNotContain("missing");
        assertThat(out.split("/inline/2", -1)).hasSize(3);
    }
}
