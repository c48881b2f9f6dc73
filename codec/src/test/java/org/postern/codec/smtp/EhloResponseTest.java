package org.postern.codec.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EhloResponseTest {
    @Test
    void everyExtensionIsListedInAFixedOrder() {
        SmtpReply r = EhloResponse.builder("mx.example.org").greeting("at your service")
                .auth(List.of("plain", "SCRAM-SHA-256")).startTls().binaryMime().chunking().smtpUtf8()
                .enhancedStatusCodes().eightBitMime().size(52_428_800).pipelining().build();
        assertThat(new String(r.encode(), StandardCharsets.US_ASCII)).isEqualTo(
                "250-mx.example.org at your service\r\n"
                        + "250-PIPELINING\r\n"
                        + "250-SIZE 52428800\r\n"
                        + "250-8BITMIME\r\n"
                        + "250-ENHANCEDSTATUSCODES\r\n"
                        + "250-SMTPUTF8\r\n"
                        + "250-CHUNKING\r\n"
                        + "250-BINARYMIME\r\n"
                        + "250-STARTTLS\r\n"
                        + "250 AUTH PLAIN SCRAM-SHA-256\r\n");
    }

    @Test
    void startTlsAndAuthAppearOnlyWhenOffered() {
        SmtpReply r = EhloResponse.builder("mx.example.org").pipelining().auth(List.of()).build();
        assertThat(r.lines()).containsExactly("mx.example.org", "PIPELINING");
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> EhloResponse.builder("mx\r\n250 AUTH")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EhloResponse.builder("mx.example.org").auth(List.of("PLAIN LOGIN"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EhloResponse.builder("mx.example.org").size(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EhloResponse.builder("mx.example.org").binaryMime().build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EhloResponse.builder("mx.example.org").greeting("hi\r\n").build()).isInstanceOf(IllegalArgumentException.class);
    }
}
