/**
 * Access tokens: short-lived ES256 JWTs naming a user, tenant, role and sign-in session, the
 * JWKS that publishes their verification keys, and the signing-key interface.
 *
 * <p>SECURITY: {@code AccessTokens.verify} is exposed to any bearer string a client sends (any
 * length, any bytes, forged headers naming any algorithm or key). It bounds the length, accepts
 * one algorithm (ES256) and one header shape, picks the key only by {@code kid} among the keys
 * this server holds and never fetches one, then checks issuer, audience, times and every claim.
 * Failures carry a generic message outward and a reason for the log. It reaches the public and
 * private signing keys it is given and nothing else; the JWKS holds public parts only.
 */
package org.postern.auth.token;
