package org.postern.auth.mfa;

/** What an authenticator app needs: the secret (base32, for typing) and the otpauth:// URI (for a QR code). Shown once. */
public record TotpSetup(String secretBase32, String otpauthUri) {
    @Override
    public String toString() {
        return "TotpSetup[]";
    }
}
