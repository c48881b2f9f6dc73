package org.postern.auth.token;

import java.util.List;

/**
 * Where the token-signing keys come from (the server keeps them sealed in its keys directory).
 * New tokens are signed with {@link #active()}; tokens are verified against any key of
 * {@link #verificationKeys()}: the active one and, after a rotation, the previous one until the
 * tokens it signed have expired. Implementations re-read their source when it changes, so a
 * rotation done by another process takes effect without a restart.
 */
public interface SigningKeys {
    SigningKey active();

    /** The active key first, then older keys still accepted for verification. */
    List<SigningKey> verificationKeys();
}
