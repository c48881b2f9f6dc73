package org.postern.server.http.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.postern.server.http.SecurityHeaders;

/**
 * The web app's files, from the manifest {@code web/MANIFEST} on the class path, held in memory.
 * {@code GET /} is {@code index.html}; every other file is {@code GET /web/<name>}.
 *
 * <p>Files are served with {@code Cache-Control: no-cache} and a strong ETag (the SHA-256 of the
 * content): a browser revalidates every time and gets a 304 when nothing changed, so a new
 * release is never mixed with cached old modules, and no build step is needed to hash names.
 */
public final class WebApp {
    static final String MANIFEST = "web/MANIFEST";
    static final String PREFIX = "/web/";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml");

    /** One file of the app. */
    record Asset(String name, String contentType, byte[] content, String etag) {}

    private final Map<String, Asset> assets;

    private WebApp(Map<String, Asset> assets) {
        this.assets = assets;
    }

    /** Reads every file the manifest names; a missing or oddly named file stops start-up. */
    public static WebApp load() {
        ClassLoader loader = WebApp.class.getClassLoader();
        Map<String, Asset> assets = new LinkedHashMap<>();
        for (String name : manifest(loader)) {
            byte[] content = read(loader, "web/" + name);
            assets.put(name, new Asset(name, contentType(name), content, etag(content)));
        }
        if (!assets.containsKey("index.html")) {
            throw new IllegalStateException("the web app's manifest has no index.html");
        }
        return new WebApp(Map.copyOf(assets));
    }

    /** The names the manifest lists, in its order. */
    static List<String> manifest(ClassLoader loader) {
        String text = new String(read(loader, MANIFEST), StandardCharsets.UTF_8);
        List<String> names = new ArrayList<>();
        for (String line : text.split("\n")) {
            String name = line.strip();
            if (name.isEmpty() || name.startsWith("#")) {
                continue;
            }
            if (!name.matches("[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*\\.[a-z]+")) {
                throw new IllegalStateException("bad name in the web app's manifest: " + name);
            }
            names.add(name);
        }
        return names;
    }

    /** The file a manifest name stands for, or null. */
    Asset asset(String name) {
        return assets.get(name);
    }

    public void register(RoutesConfig routes) {
        Asset index = assets.get("index.html");
        routes.get("/", ctx -> serve(ctx, index));
        for (Asset a : assets.values()) {
            routes.get(PREFIX + a.name(), ctx -> serve(ctx, a));
        }
    }

    private static void serve(Context ctx, Asset asset) {
        ctx.attribute(SecurityHeaders.WEB_APP_ATTRIBUTE, Boolean.TRUE);
        ctx.header("ETag", asset.etag());
        String match = ctx.header("If-None-Match");
        if (match != null && match.strip().equals(asset.etag())) {
            ctx.status(304);
            return;
        }
        ctx.status(200).contentType(asset.contentType()).result(asset.content());
    }

    static String contentType(String name) {
        String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        String type = TYPES.get(ext);
        if (type == null) {
            throw new IllegalStateException("the web app serves no ." + ext + " files: " + name);
        }
        return type;
    }

    private static byte[] read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            return Objects.requireNonNull(in, () -> "missing resource " + resource).readAllBytes();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("cannot read the web app's " + resource, e);
        }
    }

    private static String etag(byte[] content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
