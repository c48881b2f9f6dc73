package org.postern.mail.render;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
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
 * Walks a raw message once (streaming, mime4j) and lists its leaf parts with decoded content
 * (base64 and quoted-printable undone) for the parts a caller asks to keep. Part ids are
 * positions in the tree: each multipart's children are numbered from 1 below their parent's id,
 * an attached message (message/rfc822) is one child ".1" of its part, and a message that is a
 * single part is "1". The same walk serves rendering and fetching a part, so the ids a rendered
 * message lists are the ids a fetch resolves.
 *
 * <p>It never fails on bad input: what cannot be parsed is left out and the result marked
 * malformed. Work is bounded by {@link RenderLimits}: parts, depth, bytes kept.
 */
public final class MimeWalker {
    private final RenderLimits limits;

    public MimeWalker(RenderLimits limits) {
        this.limits = limits;
    }

    /** The parts found, and whether the walk stopped early or met broken structure. */
    public record Result(List<MimePart> parts, boolean malformed) {
        public Result {
            parts = List.copyOf(parts);
        }

        public Optional<MimePart> part(String id) {
            return parts.stream().filter(p -> p.id().equals(id)).findFirst();
        }
    }

    /** What to keep: decides per leaf (its id, type, disposition and filename known) and the byte cap for it. */
    public interface Keep extends Predicate<MimePart> {
        /** At most this many decoded bytes of a kept part. */
        long maxBytes(MimePart part);
    }

    public Result walk(InputStream raw, Keep keep) throws IOException {
        MimeConfig config = new MimeConfig.Builder()
                .setStrictParsing(false)
                .setMaxLineLen(100_000)
                .setMaxHeaderLen(100_000)
                .setMaxHeaderCount(1_000)
                .setMaxContentLen(-1)
                .build();
        Handler handler = new Handler(keep);
        MimeStreamParser parser = new MimeStreamParser(config);
        parser.setContentDecoding(true);
        parser.setContentHandler(handler);
        boolean malformed = false;
        try {
            parser.parse(new FilterInputStream(raw) {
                @Override
                public void close() {}
            });
        } catch (MimeException | RuntimeException e) {
            malformed = true;
        }
        return new Result(handler.leaves(), malformed || handler.truncated);
    }

    /** A node of the tree being walked. */
    private static final class Node {
        final String id;
        final int depth;
        final String group;
        int children;
        String mimeType = "text/plain";
        String charset;
        String disposition;
        String filename;
        String contentId;
        boolean alternative;
        MimePart leaf;

        Node(String id, int depth, String group) {
            this.id = id;
            this.depth = depth;
            this.group = group;
        }

        String childId() {
            children++;
            return id.isEmpty() ? Integer.toString(children) : id + "." + children;
        }

        /** The group a child of this node is in: this node's own when it is a multipart/alternative. */
        String childGroup() {
            return alternative ? id : group;
        }
    }

    private final class Handler extends AbstractContentHandler {
        private final Keep keep;
        private final Deque<Node> containers = new ArrayDeque<>();
        private final List<Node> leaves = new ArrayList<>();
        private Node current;
        private int parts;
        private long keptText;
        boolean truncated;

        Handler(Keep keep) {
            this.keep = keep;
        }

        List<MimePart> leaves() {
            List<MimePart> out = new ArrayList<>();
            for (Node n : leaves) {
                if (n.leaf != null) {
                    out.add(n.leaf);
                }
            }
            return out;
        }

        @Override
        public void startMessage() throws MimeException {
            if (current == null) {
                current = new Node("", 0, null);
            } else {
                // an attached message: its entity is the only child of the message/rfc822 part
                Node parent = current;
                containers.push(parent);
                current = new Node(parent.childId(), parent.depth + 1, parent.childGroup());
                checkDepth(current);
            }
        }

        @Override
        public void endMessage() {
            if (!containers.isEmpty() && current != null && current.depth > 0) {
                current = containers.pop();
            }
        }

        @Override
        public void startBodyPart() throws MimeException {
            Node parent = containers.peek();
            if (parent == null) {
                return;
            }
            if (++parts > limits.maxParts()) {
                truncated = true;
                throw new MimeException("too many parts");
            }
            current = new Node(parent.childId(), parent.depth + 1, parent.childGroup());
            checkDepth(current);
        }

        @Override
        public void endBodyPart() {
            current = containers.peek();
        }

        @Override
        public void field(Field field) {
            if (current == null) {
                return;
            }
            String name = field.getNameLowerCase();
            try {
                switch (name) {
                    case "content-type" -> {
                        ParsedField parsed = LenientFieldParser.getParser().parse(field, DecodeMonitor.SILENT);
                        if (parsed instanceof ContentTypeField ct && ct.getMimeType() != null) {
                            current.mimeType = ct.getMimeType().toLowerCase(Locale.ROOT);
                            current.charset = ct.getCharset();
                            if (current.filename == null && ct.getParameter("name") != null) {
                                current.filename = decodeWords(ct.getParameter("name"));
                            }
                        }
                    }
                    case "content-disposition" -> {
                        ParsedField parsed = LenientFieldParser.getParser().parse(field, DecodeMonitor.SILENT);
                        if (parsed instanceof ContentDispositionField cd) {
                            if (cd.getDispositionType() != null && !cd.getDispositionType().isEmpty()) {
                                current.disposition = cd.getDispositionType().toLowerCase(Locale.ROOT);
                            }
                            if (cd.getFilename() != null) {
                                current.filename = decodeWords(cd.getFilename());
                            }
                        }
                    }
                    case "content-id" -> current.contentId = contentId(field.getBody());
                    default -> { }
                }
            } catch (RuntimeException e) {
                truncated = true;
            }
        }

        @Override
        public void startMultipart(BodyDescriptor bd) {
            if (current == null) {
                return;
            }
            current.alternative = "multipart/alternative".equalsIgnoreCase(bd.getMimeType());
            containers.push(current);
        }

        @Override
        public void endMultipart() {
            if (!containers.isEmpty()) {
                current = containers.pop();
            }
        }

        @Override
        public void body(BodyDescriptor bd, InputStream is) throws IOException {
            if (current == null) {
                is.transferTo(java.io.OutputStream.nullOutputStream());
                return;
            }
            Node n = current;
            String id = n.id.isEmpty() ? "1" : n.id;
            String charset = n.charset != null ? n.charset : bd.getCharset();
            MimePart described = new MimePart(id, n.mimeType, Optional.ofNullable(charset),
                    Optional.ofNullable(n.disposition), Optional.ofNullable(n.filename), Optional.ofNullable(n.contentId),
                    0, Optional.empty(), Optional.ofNullable(n.group), false);
            boolean kept = keep.test(described);
            long cap = kept ? keep.maxBytes(described) : 0;
            if (kept && described.isText()) {
                cap = Math.min(cap, Math.min(limits.maxTextBytes(), Math.max(0, limits.maxTotalTextBytes() - keptText)));
            }
            ByteArrayOutputStream buffer = kept ? new ByteArrayOutputStream() : null;
            long size = 0;
            boolean cut = false;
            byte[] chunk = new byte[8192];
            try {
                int r;
                while ((r = is.read(chunk)) > 0) {
                    if (buffer != null) {
                        long room = cap - buffer.size();
                        if (room > 0) {
                            buffer.write(chunk, 0, (int) Math.min(room, r));
                        }
                        if (r > room) {
                            cut = true;
                        }
                    }
                    size += r;
                }
            } catch (IOException | RuntimeException e) {
                // a broken encoding: keep what decoded
                truncated = true;
            }
            if (buffer != null && described.isText()) {
                keptText += buffer.size();
            }
            n.leaf = new MimePart(id, n.mimeType, described.charset(), described.disposition(), described.filename(),
                    described.contentId(), size, buffer == null ? Optional.empty() : Optional.of(buffer.toByteArray()),
                    described.alternativeGroup(), cut);
            leaves.add(n);
        }

        private void checkDepth(Node n) throws MimeException {
            if (n.depth > limits.maxDepth()) {
                truncated = true;
                throw new MimeException("nested too deeply");
            }
        }
    }

    /** Filenames in RFC 2047 encoded words (what many clients send, against RFC 2231) are decoded. */
    static String decodeWords(String value) {
        if (!value.contains("=?")) {
            return value;
        }
        try {
            return org.apache.james.mime4j.codec.DecoderUtil.decodeEncodedWords(value, DecodeMonitor.SILENT);
        } catch (RuntimeException e) {
            return value;
        }
    }

    /** {@code <abc@host>} becomes {@code abc@host}; whitespace and comments around it are dropped. */
    static String contentId(String raw) {
        String v = raw.strip();
        int lt = v.indexOf('<');
        int gt = v.lastIndexOf('>');
        if (lt >= 0 && gt > lt) {
            v = v.substring(lt + 1, gt);
        }
        v = v.strip();
        return v.isEmpty() || v.length() > 998 ? null : v;
    }
}
