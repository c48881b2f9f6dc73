package org.postern.mta.intake;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.BufferedInputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;

/**
 * Streams a message with new header fields prepended and some existing ones removed (forged
 * Authentication-Results claiming our host name, RFC 8601 §5). Only the header section is held
 * in memory, up to a bound; past the bound the rest passes through untouched.
 */
public final class HeaderRewriter {
    private HeaderRewriter() {}

    /**
     * @param prepend complete header fields, each ending in CRLF
     * @param drop decides, from a whole (possibly folded) header field, whether to remove it
     * @param maxHeaderBytes how much of the header section may be examined
     */
    public static InputStream rewrite(InputStream message, List<String> prepend, Predicate<String> drop,
            int maxHeaderBytes) throws IOException {
        InputStream in = new BufferedInputStream(message);
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        for (String field : prepend) {
            kept.writeBytes(field.getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream field = new ByteArrayOutputStream();
        int examined = 0;
        while (examined < maxHeaderBytes) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                line.write(c);
                examined++;
                if (c == '\n' || examined >= maxHeaderBytes) {
                    break;
                }
            }
            byte[] l = line.toByteArray();
            if (l.length == 0 || isBlankLine(l)) {
                flush(field, kept, drop);
                kept.writeBytes(l);
                return new SequenceInputStream(new ByteArrayInputStream(kept.toByteArray()), in);
            }
            if (l[0] != ' ' && l[0] != '\t') {
                flush(field, kept, drop);
            }
            field.writeBytes(l);
            if (c < 0) {
                flush(field, kept, drop);
                return new SequenceInputStream(new ByteArrayInputStream(kept.toByteArray()), in);
            }
        }
        // Header section larger than we examine: keep what was read, unfiltered from here on.
        kept.writeBytes(field.toByteArray());
        return new SequenceInputStream(new ByteArrayInputStream(kept.toByteArray()), in);
    }

    private static boolean isBlankLine(byte[] l) {
        return (l.length == 2 && l[0] == '\r' && l[1] == '\n') || (l.length == 1 && l[0] == '\n');
    }

    private static void flush(ByteArrayOutputStream field, ByteArrayOutputStream kept, Predicate<String> drop) {
        if (field.size() == 0) {
            return;
        }
        String text = field.toString(StandardCharsets.ISO_8859_1);
        if (!drop.test(text)) {
            kept.writeBytes(field.toByteArray());
        }
        field.reset();
    }
}
