package org.postern.codec.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The properties the fuzz targets and the randomized tests check on arbitrary input, each
 * against an independent, obviously-correct reference where one exists.
 */
final class CodecInvariants {
    private static final Pattern SASL_MECH = Pattern.compile("[A-Z0-9_-]{1,20}");
    private static final Set<Integer> REFUSAL_CODES = Set.of(500, 501, 502, 504, 552, 553, 555);
    private static final SmtpLimits DEFAULTS = SmtpLimits.defaults().withInputBufferBytes(512);
    private static final SmtpLimits RFC = DEFAULTS.withMaxCommandLineBytes(512).withMaxAuthLineBytes(512).withMaxMessageBytes(1000);
    private static final SmtpCommandParser[] PARSERS = {
        new SmtpCommandParser(DEFAULTS),
        new SmtpCommandParser(RFC, Set.of("RET", "ENVID"), Set.of("NOTIFY", "ORCPT")),
    };
    private static final SmtpLimits[] PARSER_LIMITS = {DEFAULTS, RFC};

    private CodecInvariants() {}

    // ---------------------------------------------------------------- command parser

    /** The parser never throws, and what it accepts is within the grammar's bounds. */
    static void checkParser(byte[] line) {
        for (int i = 0; i < PARSERS.length; i++) {
            ParseResult result = PARSERS[i].parse(line, line.length);
            SmtpLimits limits = PARSER_LIMITS[i];
            switch (result) {
                case ParseResult.Rejected r -> {
                    assertThat(REFUSAL_CODES).contains(r.reply().code());
                    assertThat(r.reply().encode()).isNotEmpty();
                    if (r.closeConnection()) {
                        assertThat(r.reply()).isIn(SmtpReply.BDAT_SYNTAX_CLOSING, SmtpReply.SYNTAX_ERROR);
                    }
                }
                case ParseResult.Parsed p -> checkParsed(line, p.command(), limits);
            }
        }
    }

    private static void checkParsed(byte[] line, SmtpCommand command, SmtpLimits limits) {
        int max = (command instanceof SmtpCommand.Auth ? limits.maxAuthLineBytes() : limits.maxCommandLineBytes()) - 2;
        assertThat(line.length).isLessThanOrEqualTo(max);
        boolean nonAscii = false;
        for (byte b : line) {
            int c = b & 0xff;
            assertThat(c < 0x20 || c == 0x7f).as("control byte accepted").isFalse();
            nonAscii |= c >= 0x80;
        }
        if (nonAscii) {
            assertThat(command).isInstanceOfAny(SmtpCommand.MailFrom.class, SmtpCommand.RcptTo.class);
        }
        switch (command) {
            case SmtpCommand.MailFrom m -> {
                checkPath(m.path().raw());
                if (m.path() instanceof ReversePath.Sender s) {
                    checkMailbox(s.mailbox());
                    if (s.mailbox().utf8()) {
                        assertThat(m.smtpUtf8()).isTrue();
                    }
                }
                m.size().ifPresent(size -> assertThat(size).isBetween(0L, limits.maxMessageBytes()));
            }
            case SmtpCommand.RcptTo r -> {
                checkPath(r.path().raw());
                if (r.path() instanceof ForwardPath.Recipient rc) {
                    checkMailbox(rc.mailbox());
                } else {
                    assertThat(r.path().raw()).isEqualToIgnoringCase("<postmaster>");
                }
            }
            case SmtpCommand.Auth a -> assertThat(a.mechanism()).matches(SASL_MECH);
            case SmtpCommand.Bdat b -> assertThat(b.chunkBytes()).isNotNegative();
            case SmtpCommand.Ehlo e -> assertThat(e.domainOrLiteral()).doesNotContain(" ").isNotEmpty();
            case SmtpCommand.Helo h -> assertThat(h.domainOrLiteral()).doesNotContain(" ").isNotEmpty();
            default -> { }
        }
        assertThat(command.verb()).isNotEmpty();
        assertThat(command.toString()).isNotNull();
    }

    private static void checkPath(String raw) {
        assertThat(raw).startsWith("<").endsWith(">");
        assertThat(raw.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(256);
    }

    private static void checkMailbox(Mailbox m) {
        assertThat(m.localPart().getBytes(StandardCharsets.UTF_8).length).isBetween(1, 64);
        assertThat(m.domain().getBytes(StandardCharsets.UTF_8).length).isBetween(1, 255);
        assertThat(m.toString()).contains("@");
        if (!m.quoted()) {
            assertThat(m.localPart()).doesNotContain(" ", "<", ">", "\"", "@", "..");
        }
        assertThat(m.domain()).doesNotContain(" ", "<", ">", "@");
        m.emailAddress(); // must not throw
        m.unquotedLocalPart();
    }

    // ---------------------------------------------------------------- line reader

    /** Lines come out as the reference split on LF says, and no line exceeds the bound. */
    static void checkLineReader(byte[] wire, int chunk) {
        SmtpLimits limits = DEFAULTS.withMaxCommandLineBytes(512).withMaxAuthLineBytes(512).withMaxDiscardBytes(1L << 40);
        SmtpLineReader reader = new SmtpLineReader(new SmtpInput(chunked(wire, chunk), limits), limits);
        int start = 0;
        try {
            while (true) {
                LineResult r = reader.readLine();
                int lf = indexOf(wire, start, (byte) '\n');
                if (lf < 0) {
                    assertThat(r).isEqualTo(new LineResult.EndOfStream(wire.length - start));
                    return;
                }
                int before = lf - start; // bytes before the LF
                if (before > 511) {
                    assertThat(r).isInstanceOf(LineResult.TooLong.class);
                } else if (before == 0 || wire[lf - 1] != '\r') {
                    assertThat(r).isInstanceOf(LineResult.BareLineFeed.class);
                } else {
                    assertThat(r).isEqualTo(new LineResult.Line(Arrays.copyOfRange(wire, start, lf - 1)));
                    checkParser(((LineResult.Line) r).bytes());
                }
                start = lf + 1;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- DATA reader

    /** The outcome the RFC prescribes for a DATA section, computed the obvious way. */
    record Expected(DataOutcome outcome, byte[] message, int consumed) {}

    static Expected reference(byte[] wire, long maxMessageBytes) {
        byte[] t = new byte[wire.length + 2];
        t[0] = '\r';
        t[1] = '\n';
        System.arraycopy(wire, 0, t, 2, wire.length);
        int e = indexOf(t, new byte[] {'\r', '\n', '.', '\r', '\n'});
        if (e < 0) {
            return new Expected(new DataOutcome.EndOfStream(), null, wire.length);
        }
        byte[] raw = Arrays.copyOfRange(wire, 0, e);
        for (int i = 0; i < raw.length; i++) {
            boolean bareCr = raw[i] == '\r' && (i + 1 >= raw.length || raw[i + 1] != '\n');
            boolean bareLf = raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r');
            if (bareCr || bareLf) {
                return new Expected(new DataOutcome.BareLineEnding(i), null, e + 3);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int lineStart = 0;
        for (int i = 0; i + 1 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n') {
                int from = raw[lineStart] == '.' && i > lineStart ? lineStart + 1 : lineStart;
                out.write(raw, from, i + 2 - from);
                lineStart = i + 2;
                i++;
            }
        }
        byte[] message = out.toByteArray();
        DataOutcome outcome = message.length > maxMessageBytes
                ? new DataOutcome.TooLarge(maxMessageBytes) : new DataOutcome.Accepted(message.length);
        return new Expected(outcome, message, e + 3);
    }

    /**
     * The reader agrees exactly with the reference (outcome, output, bytes consumed), never writes
     * more than the limit, and leaves everything after the end for the next reader.
     */
    static void checkDataReader(byte[] wire, int chunk, long maxMessageBytes) {
        SmtpLimits limits = DEFAULTS.withMaxMessageBytes(maxMessageBytes).withMaxDiscardBytes(1L << 40);
        Expected expected = reference(wire, maxMessageBytes);
        try {
            InputStream stream = chunked(wire, chunk);
            SmtpInput input = new SmtpInput(stream, limits);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DataOutcome outcome = new DataReader(input, limits).read(out);
            assertThat(outcome).isEqualTo(expected.outcome());
            assertThat((long) out.size()).isLessThanOrEqualTo(maxMessageBytes);
            if (outcome instanceof DataOutcome.Accepted) {
                assertThat(out.toByteArray()).isEqualTo(expected.message());
            } else if (outcome instanceof DataOutcome.TooLarge && out.size() > 0) {
                assertThat(expected.message()).startsWith(out.toByteArray());
            }
            byte[] rest = concat(input.takeBuffered(), stream.readAllBytes());
            assertThat(rest).isEqualTo(Arrays.copyOfRange(wire, expected.consumed(), wire.length));

            // With a tiny discard budget the reader may give up, but only on a section it rejects.
            SmtpLimits stingy = limits.withMaxDiscardBytes(8);
            DataOutcome strict = new DataReader(new SmtpInput(chunked(wire, chunk), stingy), stingy)
                    .read(OutputStream.nullOutputStream());
            if (strict instanceof DataOutcome.DiscardLimitExceeded d) {
                assertThat(expected.outcome()).isNotInstanceOf(DataOutcome.Accepted.class);
                assertThat(d.reply()).isIn(SmtpReply.BARE_LINE_ENDING_CLOSING, SmtpReply.MESSAGE_TOO_LARGE_CLOSING);
            } else {
                assertThat(strict).isEqualTo(expected.outcome());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A stream that returns at most {@code chunk} bytes per read (0 = all at once). */
    static InputStream chunked(byte[] data, int chunk) {
        if (chunk <= 0) {
            return TestStreams.whole(data);
        }
        return new InputStream() {
            private int i;

            @Override
            public int read() {
                return i < data.length ? data[i++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (len == 0) {
                    return 0;
                }
                if (i >= data.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, chunk), data.length - i);
                System.arraycopy(data, i, b, off, n);
                i += n;
                return n;
            }
        };
    }

    private static int indexOf(byte[] a, int from, byte b) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
