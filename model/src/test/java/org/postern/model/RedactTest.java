package org.postern.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactTest {
    @Test
    void everyAddressInFreeTextIsMasked() {
        assertThat(Redact.text("from <alice@example.org> to bob.smith@mail.example.net, \"x\"@y.example"))
                .isEqualTo("from <***@example.org> to ***@mail.example.net, \"x\"@y.example")
                .doesNotContain("alice").doesNotContain("bob.smith");
    }

    @Test
    void rawAddressesThatDoNotParseAreStillMasked() {
        assertThat(Redact.address("weird\"local@example.org")).isEqualTo("***@example.org");
        assertThat(Redact.address("no-domain@")).isEqualTo("***");
        assertThat(Redact.address((String) null)).isEqualTo("***");
    }

    @Test
    void textWithoutAddressesIsUnchanged() {
        assertThat(Redact.text("event=user.created id=42")).isEqualTo("event=user.created id=42");
    }

    @Test
    void secretsNeverShow() {
        assertThat(Redact.secret("hunter2")).doesNotContain("hunter2");
    }

    @Test
    void logFieldNamesSurviveButTheLocalPartDoesNot() {
        assertThat(Redact.text("event=x rcpt=alice@example.org from=***@remote.example"))
                .isEqualTo("event=x rcpt=***@example.org from=***@remote.example");
        assertThat(Redact.text("SRS0=HHH=TT=origin.example=alice@forwarder.example"))
                .isEqualTo("***@forwarder.example");
    }
}
