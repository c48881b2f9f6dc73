package org.postern.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void randomBytesHaveTheRequestedLengthAndDiffer() {
        assertThat(Secrets.randomBytes(0)).isEmpty();
        assertThat(Secrets.randomBytes(32)).hasSize(32).isNotEqualTo(Secrets.randomBytes(32));
    }

    @Test
    void randomTokenIsUnpaddedBase64Url() {
        String token = Secrets.randomToken(32);
        assertThat(token).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(Secrets.randomToken(1)).hasSize(2);
        assertThat(Secrets.randomToken(32)).isNotEqualTo(token);
    }

    @Test
    void negativeOrEmptyRequestsAreRefused() {
        assertThatThrownBy(() -> Secrets.randomBytes(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Secrets.randomToken(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
