/**
 * Showing a message in a browser: MIME decoding ({@link org.postern.mail.render.MimeWalker}), the
 * HTML allowlist ({@link org.postern.mail.render.HtmlSanitiser}), safe download names and types.
 *
 * <p>SECURITY: everything here reads message content, which the sender controls: hostile HTML
 * (script, event handlers, {@code javascript:} URLs, mXSS tricks, tracking pixels, CSS that
 * fetches), hostile MIME (deep nesting, thousands of parts, broken encodings, lying charsets) and
 * hostile filenames (paths, device names, control and bidi characters). The walk is bounded
 * (parts, depth, bytes kept) and never fails; the HTML that leaves is allowlisted and makes no
 * request unless the caller opted in to https images; filenames and content types offered for
 * download are rewritten. Nothing here touches storage: callers pass the decrypted stream of a
 * message they have already loaded through the access policy.
 */
package org.postern.mail.render;
