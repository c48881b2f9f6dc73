package org.postern.server.config;

/**
 * Bounds on the work one mail API request may cost.
 *
 * @param pageMax envelopes or search results per page at most
 * @param sortMaxMessages largest mailbox the in-memory sorts (date, from, subject) accept
 * @param searchMaxScan messages one search request looks at
 * @param searchMaxBodies message bodies one search request decrypts and decodes
 * @param renderMaxParts MIME parts read of one message when it is shown or a part is fetched
 */
public record MailApiConfig(int pageMax, int sortMaxMessages, int searchMaxScan, int searchMaxBodies,
        int renderMaxParts) {

    public static final MailApiConfig DEFAULT = new MailApiConfig(200, 5_000, 2_000, 200, 500);
}
