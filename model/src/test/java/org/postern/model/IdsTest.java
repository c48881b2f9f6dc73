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
    }
}
