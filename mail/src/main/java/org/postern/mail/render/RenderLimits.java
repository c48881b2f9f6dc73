package org.postern.mail.render;

/**
 * Bounds on the work one message can cost the renderer, whatever it contains.
 *
 * @param maxParts MIME parts walked; the rest are ignored (the message is marked truncated)
 * @param maxDepth nesting of multiparts and attached messages
 * @param maxTextBytes decoded bytes kept of one text body part (the rest is cut)
 * @param maxTotalTextBytes decoded bytes kept of all text body parts together
 * @param maxPartBytes decoded bytes of one attachment that can be served
 */
public record RenderLimits(int maxParts, int maxDepth, int maxTextBytes, long maxTotalTextBytes, long maxPartBytes) {
    public static final RenderLimits DEFAULT = new RenderLimits(500, 32, 2 * 1024 * 1024, 8L * 1024 * 1024,
            64L * 1024 * 1024);

    public RenderLimits {
        if (maxParts < 1 || maxDepth < 1 || maxTextBytes < 1 || maxTotalTextBytes < 1 || maxPartBytes < 1) {
            throw new IllegalArgumentException("render limits must be positive");
        }
    }
}
