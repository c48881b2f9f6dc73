package org.postern.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.postern.model.IntegrityException;

class AesGcmTest {
    private static final byte[] AD = "user:42|field:totp".getBytes(StandardCharsets.UTF_8);

    @Test
    void sealedValueOpensWithSameKeyAndAssociatedData() {
        try (DataKey key = DataKey.generate()) {
            byte[] plain = "a secret value".getBytes(StandardCharsets.UTF_8);
            byte[] sealed = AesGcm.seal(key, plain, AD);
            assertThat(sealed).hasSize(1 + 12 + plain.length + 16);
            assertThat(sealed[0]).isEqualTo((byte) 1);
            assertThat(AesGcm.open(key, sealed, AD)).isEqualTo(plain);
        }
    }

    @Test
    void emptyPlaintextRoundTrips() {
        try (DataKey key = DataKey.generate()) {
            assertThat(AesGcm.open(key, AesGcm.seal(key, new byte[0], AD), AD)).isEmpty();
        }
    }

    @Test
    void sealingTwiceUsesFreshNonces() {
        try (DataKey key = DataKey.generate()) {
            byte[] plain = new byte[10];
            assertThat(AesGcm.seal(key, plain, AD)).isNotEqualTo(AesGcm.seal(key, plain, AD));
        }
    }

    @Test
    void changingAnyByteMakesOpenFail() {
        try (DataKey key = DataKey.generate()) {
            byte[] sealed = AesGcm.seal(key, "abc".getBytes(StandardCharsets.UTF_8), AD);
            for (int i = 0; i < sealed.length; i++) {
                byte[] tampered = sealed.clone();
                tampered[i] ^= 0x01;
                assertThatThrownBy(() -> AesGcm.open(key, tampered, AD)).isInstanceOf(IntegrityException.class);
            }
        }
    }

    @Test
    void truncatedOrShortInputFails() {
        try (DataKey key = DataKey.generate()) {
            byte[] sealed = AesGcm.seal(key, "abc".getBytes(StandardCharsets.UTF_8), AD);
            for (int len = 0; len < sealed.length; len++) {
                byte[] cut = Arrays.copyOf(sealed, len);
                assertThatThrownBy(() -> AesGcm.open(key, cut, AD)).isInstanceOf(IntegrityException.class);
            }
        }
    }

    @Test
    void wrongAssociatedDataFails() {
        try (DataKey key = DataKey.generate()) {
            byte[] sealed = AesGcm.seal(key, "abc".getBytes(StandardCharsets.UTF_8), AD);
            assertThatThrownBy(() -> AesGcm.open(key, sealed, "user:43|field:totp".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("failed to authenticate");
        }
    }

    @Test
    void wrongKeyFails() {
        try (DataKey key = DataKey.generate(); DataKey other = DataKey.generate()) {
            byte[] sealed = AesGcm.seal(key, "abc".getBytes(StandardCharsets.UTF_8), AD);
            assertThatThrownBy(() -> AesGcm.open(other, sealed, AD)).isInstanceOf(IntegrityException.class);
        }
    }

    @Test
    void unknownVersionIsRefused() {
        try (DataKey key = DataKey.generate()) {
            byte[] sealed = AesGcm.seal(key, "abc".getBytes(StandardCharsets.UTF_8), AD);
            sealed[0] = 2;
            assertThatThrownBy(() -> AesGcm.open(key, sealed, AD))
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("version");
        }
    }
}
