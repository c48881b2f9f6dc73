package org.postern.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdsTest {
    @Test
    void idsHaveExactlyOneTextForm() {
        UserId id = UserId.random();
        assertThat(UserId.parse(id.toString())).isEqualTo(id);
        assertThatThrownBy(() -> UserId.parse("1-1-1-1-1")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> UserId.parse(id.toString().toUpperCase())).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> UserId.parse("../../etc/passwd")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> UserId.parse(null)).isInstanceOf(InvalidInputException.class);
        String text = id.toString();
        for (int i = 0; i < text.length(); i++) {
            for (char bad : new char[] {'g', 'A', '-', '0', ' ', '\u00e9'}) {
                if (bad == text.charAt(i) || (bad == '0' && text.charAt(i) != '-')) {
                    continue; // the same text, or another valid digit
                }
                String changed = text.substring(0, i) + bad + text.substring(i + 1);
                assertThatThrownBy(() -> UserId.parse(changed)).as(changed).isInstanceOf(InvalidInputException.class);
            }
        }
        assertThatThrownBy(() -> UserId.parse(text + "0")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> UserId.parse(text.substring(1))).isInstanceOf(InvalidInputException.class);
    }
}
