package org.postern.server.http.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.postern.server.http.SecurityHeaders;

/**
 * The web app's files: the manifest names exactly the files in the source tree, each is served
 * with its type, and the code keeps to what the CSP and the no-untrusted-markup rule demand.
 */
class WebAppTest {
    private static final Path SOURCE = Path.of("src", "main", "resources", "web");

    static List<String> filesOnDisk() throws IOException {
        try (Stream<Path> walk = Files.walk(SOURCE)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> SOURCE.relativize(p).toString().replace('\\', '/'))
                    .filter(name -> !name.equals("MANIFEST"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void theManifestNamesEveryFileAndNothingElse() throws IOException {
        List<String> manifest = WebApp.manifest(getClass().getClassLoader());
        assertThat(manifest).doesNotHaveDuplicates();
        assertThat(manifest.stream().sorted().toList()).isEqualTo(filesOnDisk());
    }

    @Test
    void everyFileIsLoadedWithItsTypeAndAnEtag() {
        WebApp app = WebApp.load();
        assertThat(app.asset("index.html").contentType()).startsWith("text/html");
        assertThat(app.asset("app.css").contentType()).startsWith("text/css");
        assertThat(app.asset("js/main.js").contentType()).startsWith("text/javascript");
        assertThat(app.asset("icon.svg").contentType()).isEqualTo("image/svg+xml");
        assertThat(app.asset("js/main.js").etag()).matches("\"[0-9a-f]{32}\"");
        assertThat(app.asset("../pom.xml")).isNull();
        assertThat(app.asset("MANIFEST")).isNull();
    }

    @Test
    void onlyKnownTypesAreServed() {
        assertThatThrownBy(() -> WebApp.contentType("notes.txt")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> WebApp.contentType("page.htm")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theHtmlHasNoInlineScriptStyleOrHandler() throws IOException {
        for (String name : filesOnDisk()) {
            if (!name.endsWith(".html")) {
                continue;
            }
            String html = Files.readString(SOURCE.resolve(name), StandardCharsets.UTF_8);
            assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)", Pattern.CASE_INSENSITIVE).matcher(html).find())
                    .as(name + ": inline <script>").isFalse();
            assertThat(html).as(name).doesNotContainIgnoringCase("<style").doesNotContainIgnoringCase(" style=");
            assertThat(Pattern.compile("\\son[a-z]+=", Pattern.CASE_INSENSITIVE).matcher(html).find())
                    .as(name + ": inline event handler").isFalse();
            assertThat(Pattern.compile("(src|href)=\"(https?:)?//", Pattern.CASE_INSENSITIVE).matcher(html).find())
                    .as(name + ": third-party resource").isFalse();
        }
    }

    @Test
    void theScriptsNeverParseStringsAsMarkupOrCode() throws IOException {
        List<String> forbidden = List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                "new Function", "setAttribute('style'", "localStorage", "sessionStorage", "document.cookie",
                "http://", "https://");
        for (String name : filesOnDisk()) {
            if (!name.endsWith(".js")) {
                continue;
            }
            String js = Files.readString(SOURCE.resolve(name), StandardCharsets.UTF_8);
            for (String bad : forbidden) {
                assertThat(js).as(name + " uses " + bad).doesNotContain(bad);
            }
        }
    }

    @Test
    void theAppsCspIsStrictAndTheApisIsUnchanged() {
        String csp = SecurityHeaders.WEB_APP.get("Content-Security-Policy");
        assertThat(csp).contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
                "base-uri 'none'").doesNotContain("unsafe").doesNotContain("*");
        // Only images may come from outside, and only over https: the message frame (a srcdoc
        // document) inherits this policy, and "load remote images" must pass it. Nothing else may.
        assertThat(csp).contains("img-src 'self' data: blob: https:;");
        assertThat(csp.replace("img-src 'self' data: blob: https:;", "")).doesNotContain("http");
        assertThat(SecurityHeaders.forResponse(false)).isSameAs(SecurityHeaders.ALL);
        assertThat(SecurityHeaders.forResponse(true)).isSameAs(SecurityHeaders.WEB_APP);
        assertThat(SecurityHeaders.ALL.get("Cache-Control")).isEqualTo("no-store");
        assertThat(SecurityHeaders.WEB_APP.keySet()).containsAll(SecurityHeaders.ALL.keySet());
    }
}
