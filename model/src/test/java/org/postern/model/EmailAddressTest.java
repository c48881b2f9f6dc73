package org.postern.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmailAddressTest {

    @Test
    void addressesAreFoldedToOneSpelling() {
        EmailAddress a = EmailAddress.parse("  Shop-X@Example.ORG. ");
        assertThat(a.localPart()).isEqualTo("shop-x");
        assertThat(a.domain().ascii()).isEqualTo("example.org");
        assertThat(a).hasToString("shop-x@example.org");
        assertThat(a).isEqualTo(EmailAddress.parse("shop-x@example.org"));
    }

    @Test
    void internationalisedDomainsBecomeALabels() {
        assertThat(EmailAddress.parse("josé@bücher.example").domain().ascii()).isEqualTo("xn--bcher-kva.example");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "no-at-sign", "@example.org", "user@", "a..b@example.org", ".a@example.org",
            "a.@example.org", "\"quoted\"@example.org", "sp ace@example.org", "a@b", "a@-bad.example",
            "a@exa_mple.org", "ctl\u0001@example.org", "a@example.123", "a<b@example.org"})
    void malformedAddressesAreRefused(String text) {
        assertThatThrownBy(() -> EmailAddress.parse(text)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void localPartsLongerThan64OctetsAreRefused() {
        assertThatThrownBy(() -> EmailAddress.parse("a".repeat(65) + "@example.org"))
                .isInstanceOf(InvalidInputException.class);
        assertThat(EmailAddress.parse("a".repeat(64) + "@example.org").localPart()).hasSize(64);
    }

    @Test
    void theRedactedFormKeepsOnlyTheDomain() {
        assertThat(EmailAddress.parse("secret.person@example.org").redacted()).isEqualTo("***@example.org");
    }
}
