package org.postern.mail.render;

import java.util.Optional;

/**
 * One leaf of a message's MIME tree, as the renderer found it.
 *
 * @param id the part's position ("1", "2.1"): an index into the tree, never a file path
 * @param mimeType lower-case type/subtype as declared (text/plain when absent)
 * @param charset the declared charset, if any
 * @param disposition "inline", "attachment" or empty, lower case
 * @param filename the declared filename (unsanitised, as sent)
 * @param contentId the Content-ID without angle brackets
 * @param size decoded size in bytes
 * @param content the decoded bytes when they were asked for and fit the limit; else empty
 * @param inAlternative the id of the nearest enclosing multipart/alternative's child holding
 *     this part, or empty: alternatives of one group share the group's prefix
 */
public record MimePart(String id, String mimeType, Optional<String> charset, Optional<String> disposition,
        Optional<String> filename, Optional<String> contentId, long size, Optional<byte[]> content,
        Optional<String> alternativeGroup, boolean truncated) {

    public boolean isAttachmentDisposition() {
        return disposition.filter("attachment"::equals).isPresent();
    }

    public boolean isText() {
        return mimeType.equals("text/plain") || mimeType.equals("text/html");
    }

    /** A text part meant to be read as the body, not offered as a file. */
    public boolean isBodyText() {
        return isText() && !isAttachmentDisposition() && filename.isEmpty();
    }
}
