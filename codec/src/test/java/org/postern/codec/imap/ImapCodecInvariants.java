package org.postern.codec.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The properties the fuzz targets and the randomised tests check on arbitrary input, each
 * against an independent, obviously correct reference where one exists.
 */
final class ImapCodecInvariants {
    static final ImapLimits DEFAULTS = ImapLimits.defaults().withInputBufferBytes(512);
    static final ImapLimits SMALL = ImapLimits.defaults().withInputBufferBytes(512).withMaxLineBytes(1024)
            .withMaxCommandBytes(2048).withMaxLiteralBytes(64).withMaxAppendBytes(100).withMaxNestingDepth(4)
            .withMaxTokens(64).withMaxMessagesPerAppend(3).withMaxDiscardBytes(4096).withLiteralPlus(false);
    private static final ImapLimits[] LIMITS = {DEFAULTS, SMALL};

    private ImapCodecInvariants() {}

    // ---------------------------------------------------------------- parser

    /** The parser never throws, is deterministic, and what it accepts is within the bounds. */
    static void checkParser(byte[] command) {
        for (ImapLimits limits : LIMITS) {
            ImapCommandParser parser = new ImapCommandParser(limits);
            for (boolean utf8 : new boolean[] {false, true}) {
                ParseResult result = parser.parse(command, command.length, utf8);
                assertThat(parser.parse(command.clone(), command.length, utf8)).isEqualTo(result);
                switch (result) {
                    case ParseResult.Rejected r -> checkRefusal(command, r.tag(), r.response());
                    case ParseResult.Parsed p -> checkCommand(command, p.command(), limits);
                }
            }
        }
    }

    private static void checkRefusal(byte[] input, Optional<String> tag, ImapResponse response) {
        tag.ifPresent(t -> {
            assertThat(ImapSyntax.isTag(t)).isTrue();
            assertThat(new String(input, 0, Math.min(input.length, t.length()), StandardCharsets.ISO_8859_1)).isEqualTo(t);
        });
        byte[] wire = write(response);
        assertThat(wire.length).isLessThan(200 + tag.map(String::length).orElse(0));
        for (int i = 0; i < wire.length - 2; i++) {
            if (wire[i] < 0x20 || wire[i] > 0x7e) {
                throw new AssertionError("a refusal must be one printable line");
            }
        }
        assertThat(wire[wire.length - 2]).isEqualTo((byte) '\r');
        assertThat(wire[wire.length - 1]).isEqualTo((byte) '\n');
    }

    private static void checkCommand(byte[] input, ImapCommand command, ImapLimits limits) {
        assertThat(ImapSyntax.isTag(command.tag())).isTrue();
        assertThat(command.tag().length()).isLessThanOrEqualTo(ImapCommandParser.MAX_TAG_LENGTH);
        assertThat(new String(input, 0, command.tag().length() + 1, StandardCharsets.ISO_8859_1))
                .isEqualTo(command.tag() + " ");
        assertThat(command.name()).isNotEmpty();
        assertThat(command.toString()).isNotNull();
        switch (command) {
            case ImapCommand.Login l -> assertThat(l.toString()).contains("[redacted]").doesNotContain("password=" + l.password());
            case ImapCommand.Authenticate a -> assertThat(a.mechanism()).matches("[A-Z0-9_-]{1,20}");
            case ImapCommand.Fetch f -> {
                assertThat(f.attributes()).isNotEmpty();
                checkSet(f.set(), limits);
            }
            case ImapCommand.Store s -> checkSet(s.set(), limits);
            case ImapCommand.Copy c -> checkSet(c.set(), limits);
            case ImapCommand.Move m -> checkSet(m.set(), limits);
            case ImapCommand.Search s -> assertThat(depth(s.key())).isLessThanOrEqualTo(limits.maxNestingDepth() + 1);
            case ImapCommand.Sort s -> assertThat(depth(s.key())).isLessThanOrEqualTo(limits.maxNestingDepth() + 1);
            case ImapCommand.Append a -> {
                assertThat(a.messages()).hasSizeLessThanOrEqualTo(limits.maxMessagesPerAppend());
                a.messages().forEach(m -> assertThat(m.size()).isBetween(0L, limits.maxAppendBytes()));
            }
            case ImapCommand.ListMailboxes l -> l.patterns().forEach(p -> assertThat(MailboxName.isValid(p)).isTrue());
            default -> { }
        }
    }

    private static void checkSet(SequenceSet set, ImapLimits limits) {
        assertThat(set.ranges().size()).isLessThanOrEqualTo(limits.maxTokens());
        if (!set.savedResult()) {
            NumberRanges r = set.resolve(SequenceSet.MAX_NUMBER);
            assertThat(r.size()).isBetween(1L, SequenceSet.MAX_NUMBER);
        }
    }

    private static int depth(SearchKey key) {
        return switch (key) {
            case SearchKey.Not n -> 1 + depth(n.key());
            case SearchKey.Or o -> 1 + Math.max(depth(o.left()), depth(o.right()));
            case SearchKey.And a -> 1 + a.keys().stream().mapToInt(ImapCodecInvariants::depth).max().orElse(0);
            default -> 0;
        };
    }

    // ---------------------------------------------------------------- reader

    /**
     * Any stream, split as {@code chunk} says, read by the documented session loop with a
     * session that accepts some literals and refuses others: the reader never throws, always
     * makes progress, keeps every bound, and when the stream holds no literal announcements it
     * agrees line by line with the reference (split on LF, parse each CRLF line).
     */
    static void checkReader(byte[] wire, int chunk, int policy) {
        for (ImapLimits limits : LIMITS) {
            List<Object> results = runReader(wire, chunk, policy, limits);
            if (limits == DEFAULTS && noLiteralsAndNoHttp(wire)) {
                assertThat(results).isEqualTo(reference(wire, limits));
            }
        }
    }

    private static List<Object> runReader(byte[] wire, int chunk, int policy, ImapLimits limits) {
        ImapCommandReader reader = new ImapCommandReader(new ImapInput(ImapTestStreams.chunked(wire, chunk), limits), limits);
        List<Object> results = new java.util.ArrayList<>();
        int decisions = 0;
        try {
            for (int steps = 0; ; steps++) {
                assertThat(steps).as("progress").isLessThanOrEqualTo(wire.length + 2);
                ReadResult r = reader.next();
                assertThat(reader.commandBufferCapacity()).isLessThanOrEqualTo(2 * limits.maxCommandBytes() + 1024);
                switch (r) {
                    case ReadResult.Command c -> {
                        checkCommand(tagged(c.command().tag()), c.command(), limits);
                        results.add(c);
                    }
                    case ReadResult.Rejected rej -> {
                        checkRefusal(rej.tag().map(t -> t + " ").orElse("").getBytes(StandardCharsets.ISO_8859_1),
                                rej.tag(), rej.response());
                        results.add(new ReadResult.Rejected(Optional.empty(), rej.refusal(), rej.closeConnection()));
                        if (rej.closeConnection()) {
                            return results;
                        }
                    }
                    case ReadResult.LiteralAnnounced a -> {
                        assertThat(ImapSyntax.isTag(a.tag())).isTrue();
                        long max = a.message().isPresent() ? limits.maxAppendBytes() : limits.maxLiteralBytes();
                        assertThat(a.size()).isBetween(0L, max);
                        if (((policy >> (decisions++ % 8)) & 1) == 0) {
                            reader.acceptLiteral();
                        } else {
                            reader.refuseLiteral();
                        }
                        results.add("literal");
                    }
                    case ReadResult.AppendData d -> {
                        long size = d.message().message().size();
                        assertThat(size).isBetween(0L, limits.maxAppendBytes());
                        long read = 0;
                        try {
                            InputStream body = d.body();
                            if ((policy & 1) == 0) {
                                read = body.readAllBytes().length;
                                assertThat(read).isEqualTo(size);
                            } else if (body.read() >= 0) {
                                read = 1;
                            }
                        } catch (EOFException e) {
                            assertThat(read).isLessThan(size);
                        }
                        results.add("append");
                    }
                    case ReadResult.EndOfStream e -> {
                        assertThat(e.unterminatedBytes()).isNotNegative();
                        results.add(new ReadResult.EndOfStream(0));
                        return results;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] tagged(String tag) {
        return (tag + " ").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static boolean noLiteralsAndNoHttp(byte[] wire) {
        String s = new String(wire, StandardCharsets.ISO_8859_1);
        return s.indexOf('}') < 0 && !s.contains("HTTP/1.");
    }

    /** What the RFC says a literal-free stream is: CRLF-terminated lines, each one command. */
    private static List<Object> reference(byte[] wire, ImapLimits limits) {
        ImapCommandParser parser = new ImapCommandParser(limits);
        List<Object> expected = new java.util.ArrayList<>();
        int start = 0;
        while (true) {
            int lf = indexOf(wire, start, (byte) '\n');
            if (lf < 0) {
                expected.add(new ReadResult.EndOfStream(0));
                return expected;
            }
            int before = lf - start;
            if (before > limits.maxLineBytes() - 1) {
                expected.add(new ReadResult.Rejected(Optional.empty(), Refusal.LINE_TOO_LONG, false));
            } else if (before == 0 || wire[lf - 1] != '\r') {
                expected.add(new ReadResult.Rejected(Optional.empty(), Refusal.BARE_LINE_FEED, false));
            } else {
                byte[] line = Arrays.copyOfRange(wire, start, lf - 1);
                expected.add(switch (parser.parse(line, line.length, false)) {
                    case ParseResult.Parsed p -> new ReadResult.Command(p.command());
                    case ParseResult.Rejected r -> new ReadResult.Rejected(Optional.empty(), r.refusal(), false);
                });
            }
            start = lf + 1;
        }
    }

    // ---------------------------------------------------------------- names, patterns, responses

    /** Modified UTF-7 decodes only canonical encodings; every name encodes and decodes back. */
    static void checkMailboxName(byte[] wire) {
        Optional<String> decoded = MailboxNameCodec.decodeModifiedUtf7(wire);
        decoded.ifPresent(text -> assertThat(MailboxNameCodec.encodeModifiedUtf7(text).getBytes(StandardCharsets.US_ASCII))
                .isEqualTo(wire));
        Optional<MailboxName> name = MailboxNameCodec.decode(wire, false);
        assertThat(name.isPresent()).isEqualTo(decoded.isPresent() && MailboxName.isValid(decoded.get()));
        Optional<MailboxName> utf8 = MailboxNameCodec.decode(wire, true);
        utf8.filter(n -> !n.isInbox()).ifPresent(n -> assertThat(MailboxNameCodec.encode(n, true)
                .getBytes(StandardCharsets.UTF_8)).isEqualTo(wire));
        String any = new String(wire, StandardCharsets.UTF_8);
        String encoded = MailboxNameCodec.encodeModifiedUtf7(any);
        assertThat(encoded).matches("[\\x20-\\x7e]*");
        assertThat(MailboxNameCodec.decodeModifiedUtf7(encoded.getBytes(StandardCharsets.US_ASCII))).contains(any);
    }

    /** The automaton agrees with exhaustive backtracking (on short inputs, where that is cheap). */
    static void checkListPattern(String pattern, String name) {
        String p = pattern.length() > 10 ? pattern.substring(0, 10) : pattern;
        String n = name.length() > 14 ? name.substring(0, 14) : name;
        ListPattern compiled = ListPattern.compile(p, '/').orElseThrow();
        if (!p.regionMatches(true, 0, "INBOX", 0, 5)) {
            assertThat(compiled.matches(n)).as("%s ~ %s", p, n).isEqualTo(backtrack(p, 0, n, 0));
        }
    }

    private static boolean backtrack(String p, int i, String n, int j) {
        if (i == p.length()) {
            return j == n.length();
        }
        char c = p.charAt(i);
        if (c == '*' || c == '%') {
            for (int k = j; k <= n.length(); k++) {
                if (backtrack(p, i + 1, n, k)) {
                    return true;
                }
                if (k < n.length() && c == '%' && n.charAt(k) == '/') {
                    return false;
                }
            }
            return false;
        }
        return j < n.length() && n.charAt(j) == c && backtrack(p, i + 1, n, j + 1);
    }

    /** Any value reaches a client intact and cannot end the response early. */
    static void checkResponseString(byte[] raw, boolean utf8) {
        String text = new String(raw, StandardCharsets.UTF_8);
        ImapResponse response = new ImapResponse.Data(List.of(new ImapValue.Atom("X"), new ImapValue.Str(text),
                new ImapValue.Octets(raw)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImapResponseWriter writer = new ImapResponseWriter(out);
        writer.setUtf8(utf8);
        try {
            writer.write(response);
            writer.write(ImapResponse.exists(7));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ResponseDecoder decoder = new ResponseDecoder(out.toByteArray());
        List<Object> values = decoder.next();
        assertThat(values).hasSize(4);
        assertThat(new String((byte[]) values.get(2), StandardCharsets.UTF_8)).isEqualTo(text.replace('\0', '\ufffd'));
        assertThat((byte[]) values.get(3)).isEqualTo(raw);
        assertThat(decoder.next()).containsExactly("*", "7", "EXISTS");
        assertThat(decoder.atEnd()).isTrue();
    }

    // ---------------------------------------------------------------- helpers

    static byte[] write(ImapResponse response) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new ImapResponseWriter(out).write(response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] a, int from, byte b) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
