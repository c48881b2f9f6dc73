package org.postern.mail.message;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.field.ContentDispositionField;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.dom.field.ParsedField;
import org.apache.james.mime4j.field.LenientFieldParser;
import org.apache.james.mime4j.parser.AbstractContentHandler;
import org.apache.james.mime4j.parser.MimeStreamParser;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;

/**
 * Builds a {@link MessageSummary} from a raw message in one streaming pass, in bounded memory.
 * It never fails on bad input: whatever cannot be parsed is left out and the summary marked
 * malformed, because a message that was accepted must be kept even if its MIME is broken.
 */
public final class SummaryParser {
    /** Bounds on what a hostile message can make the parser hold. */
    public record Limits(int maxLineBytes, int maxHeaderBytes, int maxHeaderCount, int maxParts, int maxValueChars) {
        public static final Limits DEFAULT = new Limits(100_000, 100_000, 1_000, 1_000, 8_192);
    }

    private static final List<String> ENVELOPE_HEADERS =
            List.of("date", "subject", "from", "sender", "reply-to", "to", "cc", "bcc", "in-reply-to", "message-id");

    private final Limits limits;

    public SummaryParser(Limits limits) {
        this.limits = limits;
    }

    public MessageSummary parse(InputStream raw) throws IOException {
        MimeConfig config = new MimeConfig.Builder()
                .setStrictParsing(false)
                .setMaxLineLen(limits.maxLineBytes())
                .setMaxHeaderLen(limits.maxHeaderBytes())
                .setMaxHeaderCount(limits.maxHeaderCount())
                .setMaxContentLen(-1)
                .build();
        Handler handler = new Handler();
        MimeStreamParser parser = new MimeStreamParser(config);
        parser.setContentDecoding(false);
        parser.setContentHandler(handler);
        boolean malformed = false;
        try {
            // mime4j closes the stream it is given; the drain below still needs it.
            parser.parse(new java.io.FilterInputStream(raw) {
                @Override
                public void close() {}
            });
        } catch (MimeException | RuntimeException e) {
            // Over-limit or broken structure: keep what was read so far.
            malformed = true;
        }
        // Drain whatever the parser left unread, so the caller's stream is fully consumed (and authenticated).
        raw.transferTo(OutputStreamSink.INSTANCE);
        Map<String, String> h = handler.topHeaders;
        return new MessageSummary(h.get("date"), h.get("subject"), h.get("from"), h.get("sender"), h.get("reply-to"),
                h.get("to"), h.get("cc"), h.get("bcc"), h.get("in-reply-to"), h.get("message-id"), handler.parts,
                malformed || handler.truncated);
    }

    private static String unfold(String value) {
        return value.replaceAll("\r?\n(?=[ \t])", "").strip();
    }

    private final class Handler extends AbstractContentHandler {
        final Map<String, String> topHeaders = new HashMap<>();
        final List<MessageSummary.Part> parts = new ArrayList<>();
        boolean truncated;
        // Section numbering: one counter per open multipart.
        private final Deque<int[]> counters = new ArrayDeque<>();
        private final Deque<String> prefixes = new ArrayDeque<>();
        private int depth; // 0 before the top-level header ends
        private boolean inTopHeader = true;
        private String partPath = "";
        private String disposition;
        private String filename;

        @Override
        public void startBodyPart() {
            int[] counter = counters.peek();
            int n = counter == null ? 1 : ++counter[0];
            String prefix = prefixes.isEmpty() ? "" : prefixes.peek();
            partPath = prefix.isEmpty() ? Integer.toString(n) : prefix + "." + n;
            disposition = null;
            filename = null;
        }

        @Override
        public void startHeader() {
            disposition = null;
            filename = null;
        }

        @Override
        public void field(Field field) {
            String name = field.getNameLowerCase();
            if (inTopHeader && !plainName(field)) {
                // mime4j reads a name with spaces or control characters its own way; other readers
                // of the raw message (IMAP) may not, so the summary does not claim to be exact.
                truncated = true;
            }
            if (inTopHeader && ENVELOPE_HEADERS.contains(name) && !topHeaders.containsKey(name)) {
                topHeaders.put(name, clip(unfold(field.getBody())));
            }
            if (name.equals("content-disposition")) {
                try {
                    ParsedField parsed = LenientFieldParser.getParser().parse(field, DecodeMonitor.SILENT);
                    if (parsed instanceof ContentDispositionField cd) {
                        disposition = cd.getDispositionType();
                        filename = cd.getFilename() == null ? null : clip(cd.getFilename());
                    }
                } catch (RuntimeException e) {
                    truncated = true;
                }
            } else if (name.equals("content-type") && filename == null) {
                try {
                    ParsedField parsed = LenientFieldParser.getParser().parse(field, DecodeMonitor.SILENT);
                    if (parsed instanceof ContentTypeField ct && ct.getParameter("name") != null) {
                        filename = clip(ct.getParameter("name"));
                    }
                } catch (RuntimeException e) {
                    truncated = true;
                }
            }
        }

        /** Whether the raw field name is RFC 5322 ftext: printable US-ASCII, no space, up to the colon. */
        private static boolean plainName(Field field) {
            org.apache.james.mime4j.util.ByteSequence raw = field.getRaw();
            if (raw == null) {
                return true;
            }
            for (int i = 0; i < raw.length(); i++) {
                int b = raw.byteAt(i) & 0xff;
                if (b == ':') {
                    return i > 0;
                }
                if (b < 33 || b > 126) {
                    return false;
                }
            }
            return false;
        }

        @Override
        public void endHeader() {
            inTopHeader = false;
        }

        @Override
        public void startMultipart(BodyDescriptor bd) {
            counters.push(new int[] {0});
            prefixes.push(partPath);
            depth++;
        }

        @Override
        public void endMultipart() {
            counters.pop();
            prefixes.pop();
            depth--;
        }

        @Override
        public void startMessage() {
            // A message/rfc822 part: its body's parts are numbered under this part's path.
            if (!inTopHeader) {
                counters.push(new int[] {0});
                prefixes.push(partPath);
                depth++;
            }
        }

        @Override
        public void endMessage() {
            if (depth > 0 && !counters.isEmpty()) {
                counters.pop();
                prefixes.pop();
                depth--;
            }
        }

        @Override
        public void body(BodyDescriptor bd, InputStream is) throws IOException {
            long bytes = is.transferTo(OutputStreamSink.INSTANCE);
            if (parts.size() >= limits.maxParts()) {
                truncated = true;
                return;
            }
            parts.add(new MessageSummary.Part(partPath, bd.getMimeType().toLowerCase(Locale.ROOT),
                    disposition == null ? null : disposition.toLowerCase(Locale.ROOT), filename, bytes));
        }

        private String clip(String value) {
            if (value.length() > limits.maxValueChars()) {
                truncated = true;
                return value.substring(0, limits.maxValueChars());
            }
            return value;
        }
    }

    /** Discards bytes (only counting them is of interest). */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
    }
}
