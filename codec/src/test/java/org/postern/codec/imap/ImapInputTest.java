package org.postern.codec.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class ImapInputTest {
    private static final ImapLimits LIMITS = ImapLimits.defaults();

    @Test
    void pendingInputSeesTheStreamBelowTheBuffer() throws IOException {
        ImapInput early = new ImapInput(ImapTestStreams.whole("a LOGIN alice secret\r\n"), LIMITS);
        assertThat(early.hasBufferedInput()).isFalse();
        assertThat(early.hasPendingInput()).isTrue(); // a client talking before the greeting
        assertThat(new ImapInput(ImapTestStreams.whole(""), LIMITS).hasPendingInput()).isFalse();
    }

    @Test
    void aFailedStreamLeavesThePositionUnknownForGood() throws IOException {
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("reset by peer");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                throw new IOException("reset by peer");
            }
        };
        ImapInput input = new ImapInput(failing, LIMITS);
        ImapCommandReader reader = new ImapCommandReader(input, LIMITS);
        assertThatThrownBy(reader::next).isInstanceOf(IOException.class);
        assertThatThrownBy(reader::next).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(input::hasPendingInput).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theBufferIsTheConfiguredSize() throws IOException {
        ImapInput input = new ImapInput(ImapTestStreams.whole("x".repeat(10_000)), LIMITS.withInputBufferBytes(600));
        assertThat(input.fill()).isTrue();
        assertThat(input.bufferedBytes()).isEqualTo(600);
        assertThat(input.retire()).isEqualTo(600);
        assertThat(input.bufferedBytes()).isZero();
    }
}
