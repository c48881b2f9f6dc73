package org.postern.mail.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postern.model.InvalidInputException;

class PasswordPolicyTest {

    private static void refused(String password, String message) {
        assertThatThrownBy(() -> PasswordPolicy.check(password.toCharArray()))
                .isInstanceOf(InvalidInputException.class).hasMessage(message);
    }

    @Test
    void lengthAndControlCharacterRulesStillApply() {
        assertThatThrownBy(() -> PasswordPolicy.check(null)).isInstanceOf(InvalidInputException.class);
        refused("elevenchars", "password must be at least 12 characters");
        refused("x".repeat(1025), "password must be at most 1024 characters");
        refused("correct horse\tbattery", "password must not contain control characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1qaz2wsx3edc", "qwerty123456", "leavemealone", "123456789987654321", "LeaveMeAlone"})
    void passwordsFromTheCommonListAreRefusedWhateverTheirCase(String password) {
        refused(password, "password is too common");
    }

    @ParameterizedTest
    @ValueSource(strings = {"passwordpassword", "aaaaaaaaaaaa", "qwertyuiopasdf", "letmein12345",
            "monkeymonkeymonkey", "hunter2hunter2"})
    void guessablePatternsAreRefused(String password) {
        refused(password, "password is too easy to guess");
    }

    @ParameterizedTest
    @ValueSource(strings = {"correct horse battery", "a long enough password", "Tr0ub4dor&3xyz", "s3cret-pass-123",
            "vjmx-4kq2-rrtc-9pza"})
    void reasonablePasswordsPass(String password) {
        assertThatCode(() -> PasswordPolicy.check(password.toCharArray())).doesNotThrowAnyException();
    }

    @Test
    void checkingLeavesThePasswordIntact() {
        char[] password = "correct horse battery".toCharArray();
        PasswordPolicy.check(password);
        assertThat(new String(password)).isEqualTo("correct horse battery");
    }

    @Test
    void theBundledListIsLoaded() {
        assertThat(PasswordPolicy.Common.PASSWORDS).hasSizeGreaterThan(100).contains("1qaz2wsx3edc")
                .allSatisfy(p -> assertThat(p.length()).isGreaterThanOrEqualTo(PasswordPolicy.MIN_CHARS));
    }

    @Test
    void onlyTheLeadingCharactersAreScoredSoLongInputsStayCheap() {
        PasswordPolicy.check("warm up the dictionaries".toCharArray());
        char[] strongStart = ("Tr0ub4dor&3xyz-" + "7".repeat(1009)).toCharArray();
        long start = System.nanoTime();
        PasswordPolicy.check(strongStart);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        // A guessable start is refused however long the rest is.
        refused("password".repeat(8) + "Zq9!xW2#pL7$", "password is too easy to guess");
    }
}
