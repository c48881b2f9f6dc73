package org.postern.mta.submission;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What real submission servers change in a message before it leaves (RFC 6409 §8): a Date: and
 * a Message-ID: when missing; Bcc: removed (from every copy, the sender's Sent one included); the
 * client's own Received: and X-Originating-IP: removed, since they reveal the sender's network.
 * The body and every MIME part are left as they are.
 */
public final class SubmissionFixes {
    private static final Set<String> DROPPED = Set.of("bcc", "resent-bcc", "received", "x-originating-ip");
    private static final DateTimeFormatter RFC5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss xx", Locale.ROOT);

    private SubmissionFixes() {}

    /** Header fields to prepend (each ending in CRLF), given what the message already has. */
    public static List<String> missingFields(SubmittedHeader header, Instant now, String hostname, byte[] random16) {
        List<String> add = new ArrayList<>();
        if (!header.has("Date")) {
            add.add("Date: " + RFC5322_DATE.format(now.atZone(ZoneOffset.UTC)) + "\r\n");
        }
        if (!header.has("Message-ID")) {
            add.add("Message-ID: <" + HexFormat.of().formatHex(random16) + "@" + hostname + ">\r\n");
        }
        return add;
    }

    /** True for a whole header field (as the header rewriter gives it) that must not leave. */
    public static Predicate<String> dropped() {
        return field -> {
            int colon = field.indexOf(':');
            return colon > 0 && DROPPED.contains(field.substring(0, colon).strip().toLowerCase(Locale.ROOT));
        };
    }
}
