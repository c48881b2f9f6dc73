package org.postern.codec.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RemoteReplyReaderTest {

    private static RemoteReplyReader reader(String wire) {
        return new RemoteReplyReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)), 512, 10);
    }

    @Test
    void aSingleLineReplyIsReadWithItsEnhancedCode() throws IOException {
        RemoteReply r = reader("550 5.1.1 <x@y.test>: User unknown\r\n").read();
        assertThat(r.code()).isEqualTo(550);
        assertThat(r.permanentFailure()).isTrue();
        assertThat(r.enhancedCode()).contains("5.1.1");
        assertThat(r.summary()).isEqualTo("550 5.1.1 <x@y.test>: User unknown");
    }

    @Test
    void aMultiLineEhloReplyKeepsEveryLineAndTheNextReplyFollows() throws IOException {
        RemoteReplyReader in = reader("250-mx.test\r\n250-SIZE 1000\r\n250 STARTTLS\r\n451 4.7.1 later\r\n");
        RemoteReply ehlo = in.read();
        assertThat(ehlo.lines()).containsExactly("mx.test", "SIZE 1000", "STARTTLS");
        RemoteReply next = in.read();
        assertThat(next.transientFailure()).isTrue();
        assertThat(next.enhancedCode()).contains("4.7.1");
    }

    @Test
    void aReplySplitAcrossReadsIsReadWhole() throws IOException {
        InputStream split = new SequenceInputStream(new ByteArrayInputStream("25".getBytes(StandardCharsets.US_ASCII)),
                new ByteArrayInputStream("0 2.0.0 ok\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(new RemoteReplyReader(split, 512, 10).read().code()).isEqualTo(250);
    }

    @Test
    void aBareCodeAndABareLineFeedAreAccepted() throws IOException {
        RemoteReply r = reader("250\n").read();
        assertThat(r.code()).isEqualTo(250);
        assertThat(r.lines()).containsExactly("");
        assertThat(r.enhancedCode()).isEmpty();
    }

    @Test
    void anEnhancedCodeOfTheWrongClassIsIgnored() throws IOException {
        assertThat(reader("550 2.0.0 odd\r\n").read().enhancedCode()).isEmpty();
    }

    @Test
    void malformedRepliesAreRefused() {
        for (String bad : new String[] {"abc hello\r\n", "199 too low\r\n", "600 too high\r\n", "25\r\n",
                "250-first\r\n251 second\r\n", "250xtext\r\n", "250 bell\u0007\r\n", "250 caf\u00e9\r\n",
                "250 bare\rcr\r\n"}) {
            assertThatThrownBy(() -> reader(bad).read()).as(bad)
                    .isInstanceOf(RemoteReplyReader.MalformedReplyException.class);
        }
    }

    @Test
    void tooLongLinesAndTooManyLinesAreRefused() {
        assertThatThrownBy(() -> reader("250 " + "x".repeat(600) + "\r\n").read())
                .isInstanceOf(RemoteReplyReader.MalformedReplyException.class).hasMessageContaining("too long");
        assertThatThrownBy(() -> reader("250-x\r\n".repeat(11) + "250 end\r\n").read())
                .isInstanceOf(RemoteReplyReader.MalformedReplyException.class).hasMessageContaining("too many");
    }

    @Test
    void aClosedConnectionIsAnEndOfFile() {
        assertThatThrownBy(() -> reader("250-more to come\r\n").read()).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> reader("").read()).isInstanceOf(EOFException.class);
    }

    @Test
    void theSummaryIsBounded() throws IOException {
        RemoteReplyReader in = new RemoteReplyReader(new ByteArrayInputStream(
                ("550-" + "a".repeat(300) + "\r\n550 " + "b".repeat(300) + "\r\n").getBytes(StandardCharsets.US_ASCII)),
                512, 10);
        assertThat(in.read().summary()).hasSize(RemoteReply.MAX_SUMMARY_CHARS);
    }
}
