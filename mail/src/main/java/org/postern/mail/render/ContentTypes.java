package org.postern.mail.render;

import java.util.Locale;
import java.util.Set;

/**
 * Which declared content types may be served as they are. The sender chooses a part's type, so
 * anything a browser could execute or render as a document (HTML, SVG, XML, JavaScript, PDF
 * viewers' scripting...) is served as {@code application/octet-stream}; only the short list of
 * passive types below keeps its type. Inline images are the four raster formats only.
 */
public final class ContentTypes {
    public static final String OCTET_STREAM = "application/octet-stream";

    private static final Set<String> PASSIVE = Set.of("text/plain", "text/csv", "image/png", "image/jpeg", "image/gif",
            "image/webp", "application/pdf", "application/zip", "audio/mpeg", "audio/ogg", "video/mp4",
            "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet");

    private static final Set<String> INLINE_IMAGES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp");

    private ContentTypes() {}

    /** The type to send an attachment with: its own if passive, else octet-stream. Never with parameters. */
    public static String forDownload(String declared) {
        String t = bare(declared);
        return PASSIVE.contains(t) ? t : OCTET_STREAM;
    }

    /** Whether a part may be served as an inline image. */
    public static boolean isInlineImage(String declared) {
        return INLINE_IMAGES.contains(bare(declared));
    }

    private static String bare(String declared) {
        if (declared == null) {
            return "";
        }
        int semi = declared.indexOf(';');
        return (semi < 0 ? declared : declared.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }
}
