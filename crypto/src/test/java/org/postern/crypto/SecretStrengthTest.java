package org.postern.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretStrengthTest {

    @Test
    void emptyOrBlankPassphraseIsRefused() {
        assertThat(SecretStrength.problemWithPassphrase(null)).contains("is empty");
        assertThat(SecretStrength.problemWithPassphrase("")).contains("is empty");
        assertThat(SecretStrength.problemWithPassphrase("   \t ")).contains("is empty");
    }

    @Test
    void shortPassphraseIsRefused() {
        assertThat(SecretStrength.problemWithPassphrase("Xk9#mQ2$vL7!pR4")).contains("is shorter than 16 characters");
        assertThat(SecretStrength.problemWithPassphrase("changeme")).contains("is shorter than 16 characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "password12345678", "PASSWORD12345678", "changeme!!!!!!!!", "ChangeMe20262026", "changemechangeme",
        "change-me-change-me", "postern-change-me", "letmein123456789", "1234567812345678", "correcthorsebatterystaple",
        "your-secret-here", "mysecretpassword", "qwertyuiop123456", "admin-admin-admin", "Postern2026!!!!!!", "abcdefabcdefabcdef"
    })
    void wellKnownDefaultsAreRefused(String secret) {
        assertThat(SecretStrength.problemWithPassphrase(secret)).contains("is a well-known default");
    }

    @Test
    void passphraseWithTooLittleVarietyIsRefused() {
        assertThat(SecretStrength.problemWithPassphrase("aaaaaaaaaaaaaaaaaaaa")).contains("has too little variety");
        assertThat(SecretStrength.problemWithPassphrase("abababababababababab")).contains("has too little variety");
        assertThat(SecretStrength.problemWithPassphrase("abcdeabcdeabcdeabcde")).contains("has too little variety");
    }

    @Test
    void strongPassphrasesAreAccepted() {
        assertThat(SecretStrength.problemWithPassphrase("tangerine-orbit-glacier-57")).isEmpty();
        assertThat(SecretStrength.problemWithPassphrase(Secrets.randomToken(24))).isEmpty();
        assertThat(SecretStrength.problemWithPassphrase("Xk9#mQ2$vL7!pR4z")).isEmpty();
    }

    @Test
    void keyOfWrongLengthIsRefused() {
        assertThat(SecretStrength.problemWithKey(Secrets.randomBytes(16), 32)).contains("is 16 bytes, expected 32");
        assertThat(SecretStrength.problemWithKey(Secrets.randomBytes(33), 32)).contains("is 33 bytes, expected 32");
        assertThat(SecretStrength.problemWithKey(new byte[0], 32)).isPresent();
        assertThat(SecretStrength.problemWithKey(null, 32)).isPresent();
    }

    @Test
    void constantOrLowVarietyKeyIsRefused() {
        assertThat(SecretStrength.problemWithKey(new byte[32], 32)).contains("has too little variety");
        byte[] ff = new byte[32];
        Arrays.fill(ff, (byte) 0xff);
        assertThat(SecretStrength.problemWithKey(ff, 32)).contains("has too little variety");
        byte[] pattern = new byte[32];
        for (int i = 0; i < 32; i++) {
            pattern[i] = (byte) (i % 7);
        }
        assertThat(SecretStrength.problemWithKey(pattern, 32)).contains("has too little variety");
    }

    @Test
    void randomKeysAreAccepted() {
        for (int i = 0; i < 100; i++) {
            assertThat(SecretStrength.problemWithKey(Secrets.randomBytes(32), 32)).isEmpty();
        }
        byte[] eightDistinct = new byte[32];
        for (int i = 0; i < 32; i++) {
            eightDistinct[i] = (byte) (i % 8);
        }
        assertThat(SecretStrength.problemWithKey(eightDistinct, 32)).isEmpty();
    }

    @Test
    void nonPositiveRequiredLengthIsAProgrammingError() {
        assertThatThrownBy(() -> SecretStrength.problemWithKey(new byte[1], 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
