package org.postern.imap;

import java.util.Optional;
import org.postern.access.Caller;
import org.postern.auth.signin.ClientInfo;
import org.postern.auth.signin.ProtocolAuthenticator;

/**
 * Turns an IMAP login and secret into a signed-in user. The one production implementation is
 * {@link #of(ProtocolAuthenticator)}: the identity authority's protocol sign-in, which throttles,
 * audits, accepts app passwords scoped {@code imap}, and the account password only without MFA.
 * The session never checks a password itself.
 */
@FunctionalInterface
public interface ImapAuthenticator {

    /** The user, or empty for every kind of failure. Wipes {@code secret}. */
    Optional<Caller.User> authenticate(String login, char[] secret, ClientInfo client);

    static ImapAuthenticator of(ProtocolAuthenticator protocols) {
        return (login, secret, client) -> protocols.authenticate(ProtocolAuthenticator.Protocol.IMAP, login, secret,
                client);
    }
}
