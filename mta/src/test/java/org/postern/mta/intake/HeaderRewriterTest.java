package org.postern.mta.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderRewriterTest {
    private static String rewrite(String message, List<String> prepend, int maxHeaderBytes) throws Exception {
        try (InputStream in = HeaderRewriter.rewrite(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)),
                prepend, f -> f.toLowerCase().startsWith("x-drop:"), maxHeaderBytes)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void headersArePrependedAndTheBodyIsUntouched() throws Exception {
        assertThat(rewrite("Subject: a\r\n\r\nbody\r\nX-Drop: not a header\r\n", List.of("X-New: 1\r\n"), 1000))
                .isEqualTo("X-New: 1\r\nSubject: a\r\n\r\nbody\r\nX-Drop: not a header\r\n");
    }

    @Test
    void aDroppedFieldGoesWithItsFoldedLines() throws Exception {
        assertThat(rewrite("A: 1\r\nX-Drop: x\r\n\tfolded\r\nB: 2\r\n\r\nbody", List.of(), 1000))
                .isEqualTo("A: 1\r\nB: 2\r\n\r\nbody");
    }

    @Test
    void aDroppedFieldAtTheEndOfAHeaderOnlyMessageIsDropped() throws Exception {
        assertThat(rewrite("A: 1\r\nX-Drop: x", List.of(), 1000)).isEqualTo("A: 1\r\n");
    }

    @Test
    void pastTheBoundTheRestPassesThroughUnchanged() throws Exception {
        String big = "A: " + "x".repeat(100) + "\r\nX-Drop: late\r\n\r\nbody";
        assertThat(rewrite(big, List.of(), 50)).isEqualTo(big);
    }
}
