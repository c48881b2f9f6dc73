package org.postern.codec.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.postern.codec.smtp.TestStreams.bytes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class SmtpInputTest {
    private static final SmtpLimits LIMITS = SmtpLimits.defaults();

    @Test
    void commandsPipelinedBehindStartTlsAreDiscardedWhenTheInputIsRetired() throws IOException {
        // CVE-2011-0411: a man in the middle appends a command to the client's STARTTLS.
        SmtpInput plain = new SmtpInput(TestStreams.whole("STARTTLS\r\nRSET\r\nMAIL FROM:<evil@x.example>\r\n"), LIMITS);
        SmtpLineReader lines = new SmtpLineReader(plain, LIMITS);
        assertThat(lines.readLine()).isEqualTo(new LineResult.Line(bytes("STARTTLS")));
        assertThat(plain.hasBufferedInput()).isTrue();
        assertThat(plain.retire()).isEqualTo("RSET\r\nMAIL FROM:<evil@x.example>\r\n".length());
        assertThat(plain.isRetired()).isTrue();
        assertThat(plain.hasBufferedInput()).isFalse();
        assertThatThrownBy(lines::readLine).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new DataReader(plain, LIMITS).read(new ByteArrayOutputStream()))
                .isInstanceOf(IllegalStateException.class);
        // The session continues on a new input over the TLS stream, which starts empty.
        SmtpInput tls = new SmtpInput(TestStreams.whole("EHLO client.example\r\n"), LIMITS);
        assertThat(new SmtpLineReader(tls, LIMITS).readLine()).isEqualTo(new LineResult.Line(bytes("EHLO client.example")));
    }

    @Test
    void discardBufferedDropsOnlyWhatIsBuffered() throws IOException {
        SmtpInput in = new SmtpInput(TestStreams.pieces("NOOP\r\nJUNK\r\n", "QUIT\r\n"), LIMITS);
        SmtpLineReader lines = new SmtpLineReader(in, LIMITS);
        assertThat(lines.readLine()).isEqualTo(new LineResult.Line(bytes("NOOP")));
        assertThat(in.bufferedBytes()).isEqualTo(6);
        assertThat(in.discardBuffered()).isEqualTo(6);
        assertThat(in.discardBuffered()).isZero();
        assertThat(lines.readLine()).isEqualTo(new LineResult.Line(bytes("QUIT")));
    }

    @Test
    void takeBufferedHandsTheBytesOver() throws IOException {
        SmtpInput in = new SmtpInput(TestStreams.whole("NOOP\r\n\u0016\u0003\u0001"), LIMITS);
        new SmtpLineReader(in, LIMITS).readLine();
        assertThat(in.takeBuffered()).containsExactly(0x16, 0x03, 0x01);
        assertThat(in.hasBufferedInput()).isFalse();
    }

    @Test
    void pendingInputSeesTheStreamBelowTheBuffer() throws IOException {
        SmtpInput in = new SmtpInput(TestStreams.whole("EHLO early.example\r\n"), LIMITS);
        assertThat(in.hasBufferedInput()).isFalse();
        assertThat(in.hasPendingInput()).isTrue(); // a client talking before the greeting
        SmtpInput quiet = new SmtpInput(TestStreams.whole(""), LIMITS);
        assertThat(quiet.hasPendingInput()).isFalse();
    }
}
