package org.postern.mail.render;

import java.util.List;
import java.util.Optional;

/**
 * A message made safe to show: sanitised HTML (if it had an HTML body), plain text (to be
 * escaped by whoever shows it), and its attachments described (never their content).
 *
 * @param remoteBlocked how many remote references were removed from the HTML (0 when allowed or none)
 * @param truncated true when limits cut the message short or its MIME was broken (best effort)
 */
public record RenderedMessage(Optional<String> html, Optional<String> text, List<Attachment> attachments,
        int remoteBlocked, boolean truncated) {

    public RenderedMessage {
        attachments = List.copyOf(attachments);
    }

    /**
     * A part offered as a file or an inline image.
     *
     * @param partId the part's id for the attachment and inline endpoints
     * @param filename safe for every OS (see {@link SafeFileName})
     * @param contentType as the sender declared it (what it will be served as may differ: {@link ContentTypes})
     * @param size decoded bytes
     * @param inline whether the sender meant it inline (disposition inline, or referenced by a Content-ID)
     */
    public record Attachment(String partId, String filename, String contentType, long size, boolean inline,
            Optional<String> contentId) {}
}
