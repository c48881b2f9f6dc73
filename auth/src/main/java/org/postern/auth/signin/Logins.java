package org.postern.auth.signin;

import java.util.Optional;
import org.postern.model.EmailAddress;
import org.postern.model.InvalidInputException;

/** Reads a login as typed by a client: anything that is not an address is simply no account. */
public final class Logins {
    public static final int MAX_CHARS = 320;

    private Logins() {}

    public static Optional<EmailAddress> parse(String login) {
        try {
            return login == null || login.length() > MAX_CHARS ? Optional.empty()
                    : Optional.of(EmailAddress.parse(login.strip()));
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
    }

    /**
     * What failures of {@code login} are counted under: the account's one spelling when it is an
     * address (case and surrounding white space folded, as {@link #parse} reads it), so that
     * respelling a login does not buy fresh guesses; else the text as typed.
     */
    public static String throttleKey(String login) {
        return parse(login).map(EmailAddress::toString).orElse(login == null ? "" : login);
    }
}
