package org.postern.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DataKeyTest {

    @Test
    void generatedKeysAreRandomAnd32Bytes() {
        try (DataKey a = DataKey.generate(); DataKey b = DataKey.generate()) {
            assertThat(a.copyBytes()).hasSize(32).isNotEqualTo(b.copyBytes());
        }
    }

    @Test
    void fromBytesCopiesTheCallersArray() {
        byte[] raw = Secrets.randomBytes(32);
        byte[] expected = raw.clone();
        try (DataKey key = DataKey.fromBytes(raw)) {
            raw[0] ^= 1;
            assertThat(key.copyBytes()).isEqualTo(expected);
        }
    }

    @Test
    void fromBytesRefusesAnyLengthButThirtyTwo() {
        assertThatThrownBy(() -> DataKey.fromBytes(new byte[16])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DataKey.fromBytes(new byte[33])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DataKey.fromBytes(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void closedKeyIsWipedAndUnusable() {
        DataKey key = DataKey.generate();
        key.close();
        assertThatThrownBy(key::copyBytes).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> AesGcm.seal(key, new byte[1], new byte[0])).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void toStringNeverShowsKeyBytes() {
        try (DataKey key = DataKey.generate()) {
            byte[] raw = key.copyBytes();
            assertThat(key.toString())
                    .isEqualTo("DataKey[redacted]")
                    .doesNotContain(HexFormat.of().formatHex(raw))
                    .doesNotContain(Base64.getEncoder().encodeToString(raw));
        }
    }
}
