package org.postern.auth.credential;

import org.postern.store.identity.Credential;

/** A new app password or API token. {@code secret} is shown to the user once and never stored. */
public record CreatedCredential(Credential credential, String secret) {
    @Override
    public String toString() {
        return "CreatedCredential[" + credential + "]";
    }
}
