package org.postern.mta.outbound;

import java.util.Objects;

/**
 * The sign-in for the smarthost. Read from their sealed file for each connection (so an
 * operator's change applies without a restart); {@link #toString()} never shows the password.
 */
public record RelayCredentials(String login, char[] password) {
    public RelayCredentials {
        Objects.requireNonNull(login, "login");
        Objects.requireNonNull(password, "password");
        if (login.isEmpty() || login.length() > 256 || password.length == 0 || password.length > 1024) {
            throw new IllegalArgumentException("relay login or password empty or too long");
        }
        for (char c : login.toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("relay login contains a control character");
            }
        }
        for (char c : password) {
            if (c == '\0' || c == '\r' || c == '\n') {
                throw new IllegalArgumentException("relay password contains NUL, CR or LF");
            }
        }
    }

    @Override
    public String toString() {
        return "RelayCredentials[login=" + login + ", password=[redacted]]";
    }
}
