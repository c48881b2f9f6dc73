package org.postern.auth.token;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.postern.crypto.Secrets;
import org.postern.model.InvalidInputException;
import org.postern.model.Role;
import org.postern.model.SessionId;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.identity.SessionLevel;

/**
 * Short-lived access tokens: compact JWS (RFC 7515) signed with ES256, {@code typ} {@code at+jwt}
 * (RFC 9068), naming the signing key by its thumbprint in {@code kid}. Besides the registered
 * claims ({@code iss aud sub iat nbf exp jti}) a token carries {@code tid} (tenant), {@code role},
 * {@code sid} (sign-in session) and {@code lvl} ({@link SessionLevel}).
 *
 * <p>Verification trusts nothing in the token to choose how it is checked: the algorithm must be
 * ES256 (so no "none", no HMAC keyed with the public key, no RSA or EdDSA), the header may hold
 * only {@code alg}, {@code kid} and {@code typ} (so no {@code crit}, no embedded {@code jwk}, no
 * {@code jku} or {@code x5u} to fetch), and the key is looked up by {@code kid} among
 * {@link SigningKeys#verificationKeys()} only. Every failure is a {@link TokenRejectedException}
 * with the same message.
 */
public final class AccessTokens {
    public static final String TYPE = "at+jwt";
    /** Longer than any token we issue by far; bounds the work done on junk before any parsing. */
    public static final int MAX_TOKEN_CHARS = 4096;
    /** How far apart the issuing and the verifying node's clocks may be. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
    public static final Duration MAX_LIFETIME = Duration.ofDays(1);

    private static final Set<String> ALLOWED_HEADER = Set.of("alg", "kid", "typ");
    private static final int MAX_JTI_CHARS = 128;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SigningKeys keys;
    private final String issuer;
    private final String audience;
    private final Duration lifetime;
    private final Clock clock;

    public AccessTokens(SigningKeys keys, String issuer, String audience, Duration lifetime, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.issuer = requireText(issuer, "issuer");
        this.audience = requireText(audience, "audience");
        this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
        if (lifetime.compareTo(Duration.ofSeconds(1)) < 0 || lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("access token lifetime must be between 1 s and " + MAX_LIFETIME);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** How long a new token is valid. */
    public Duration lifetime() {
        return lifetime;
    }

    /** A new token for this user and session, signed with the active key. */
    public String issue(UserId user, TenantId tenant, Role role, SessionId session, SessionLevel level) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(level, "level");
        SigningKey key = keys.active();
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.kid()).type(new JOSEObjectType(TYPE))
                .build();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(user.toString())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(Secrets.randomToken(16))
                .claim("tid", tenant.toString())
                .claim("role", role.label())
                .claim("sid", session.toString())
                .claim("lvl", level.name())
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(new ECDSASigner(key.privateKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign with key " + key.kid(), e);
        }
        return jwt.serialize();
    }

    /**
     * The claims of a token this server issued that is still valid.
     *
     * @throws TokenRejectedException for anything else
     */
    public AccessClaims verify(String token) {
        if (token == null || token.isEmpty()) {
            throw new TokenRejectedException("empty");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new TokenRejectedException("longer than " + MAX_TOKEN_CHARS + " characters");
        }
        if (!compactShape(token)) {
            throw new TokenRejectedException("not three base64url parts");
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new TokenRejectedException("malformed", e);
        }
        JWSHeader header = jwt.getHeader();
        if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
            throw new TokenRejectedException("algorithm is not ES256");
        }
        if (!ALLOWED_HEADER.containsAll(header.getIncludedParams())) {
            throw new TokenRejectedException("unexpected header parameter");
        }
        if (header.getType() == null || !TYPE.equals(header.getType().getType())) {
            throw new TokenRejectedException("typ is not " + TYPE);
        }
        String kid = header.getKeyID();
        if (kid == null) {
            throw new TokenRejectedException("no kid");
        }
        SigningKey key = keys.verificationKeys().stream().filter(k -> k.kid().equals(kid)).findFirst()
                .orElseThrow(() -> new TokenRejectedException("unknown kid"));
        try {
            if (!jwt.verify(new ECDSAVerifier(key.publicKey()))) {
                throw new TokenRejectedException("bad signature");
            }
        } catch (JOSEException e) {
            throw new TokenRejectedException("signature not verifiable", e);
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new TokenRejectedException("malformed claims", e);
        }
        return checkClaims(claims);
    }

    private AccessClaims checkClaims(JWTClaimsSet claims) {
        if (!issuer.equals(claims.getIssuer())) {
            throw new TokenRejectedException("wrong issuer");
        }
        if (!List.of(audience).equals(claims.getAudience())) {
            throw new TokenRejectedException("wrong audience");
        }
        Instant now = clock.instant();
        Instant issuedAt = instant(claims.getIssueTime(), "iat");
        Instant notBefore = instant(claims.getNotBeforeTime(), "nbf");
        Instant expiresAt = instant(claims.getExpirationTime(), "exp");
        if (!expiresAt.isAfter(issuedAt)) {
            throw new TokenRejectedException("exp not after iat");
        }
        if (!now.isBefore(expiresAt.plus(CLOCK_SKEW))) {
            throw new TokenRejectedException("expired");
        }
        if (issuedAt.isAfter(now.plus(CLOCK_SKEW))) {
            throw new TokenRejectedException("issued in the future");
        }
        if (notBefore.isAfter(now.plus(CLOCK_SKEW))) {
            throw new TokenRejectedException("not yet valid");
        }
        String jti = claims.getJWTID();
        if (jti == null || jti.isBlank() || jti.length() > MAX_JTI_CHARS) {
            throw new TokenRejectedException("missing or ill-formed jti");
        }
        try {
            UserId user = UserId.parse(claims.getSubject());
            TenantId tenant = TenantId.parse(stringClaim(claims, "tid"));
            Role role = role(stringClaim(claims, "role"));
            SessionId session = SessionId.parse(stringClaim(claims, "sid"));
            SessionLevel level = level(stringClaim(claims, "lvl"));
            return new AccessClaims(user, tenant, role, session, level, issuedAt, expiresAt, jti);
        } catch (InvalidInputException e) {
            throw new TokenRejectedException("ill-formed claim", e);
        }
    }

    private static Instant instant(Date date, String name) {
        if (date == null) {
            throw new TokenRejectedException("no " + name);
        }
        return date.toInstant();
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        String value;
        try {
            value = claims.getStringClaim(name);
        } catch (ParseException e) {
            throw new TokenRejectedException(name + " is not a string", e);
        }
        if (value == null) {
            throw new TokenRejectedException("no " + name);
        }
        return value;
    }

    private static Role role(String label) {
        for (Role r : Role.values()) {
            if (r.label().equals(label)) {
                return r;
            }
        }
        throw new TokenRejectedException("unknown role");
    }

    private static SessionLevel level(String name) {
        for (SessionLevel l : SessionLevel.values()) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        throw new TokenRejectedException("unknown session level");
    }

    /** header.payload.signature, each non-empty base64url; no padding, white space or anything else. */
    private static boolean compactShape(String token) {
        int dots = 0;
        int partLength = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                if (partLength == 0 || ++dots > 2) {
                    return false;
                }
                partLength = 0;
            } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                partLength++;
            } else {
                return false;
            }
        }
        return dots == 2 && partLength > 0;
    }

    /**
     * The JSON Web Key Set of every verification key, public parts only:
     * {@code {"keys":[{"kty":"EC","crv":"P-256","x":..,"y":..,"kid":..,"alg":"ES256","use":"sig"}]}}.
     */
    public String jwksJson() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("keys");
        for (SigningKey key : keys.verificationKeys()) {
            ECKey jwk = new ECKey.Builder(curveOf(key.publicKey()), key.publicKey()).build();
            list.addObject()
                    .put("kty", "EC")
                    .put("crv", jwk.getCurve().getName())
                    .put("x", jwk.getX().toString())
                    .put("y", jwk.getY().toString())
                    .put("kid", key.kid())
                    .put("alg", JWSAlgorithm.ES256.getName())
                    .put("use", "sig");
        }
        return root.toString();
    }

    /** The RFC 7638 JWK thumbprint (SHA-256, base64url) of a P-256 public key: its {@code kid}. */
    public static String thumbprint(ECPublicKey key) {
        try {
            return new ECKey.Builder(curveOf(key), key).build().computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static Curve curveOf(ECPublicKey key) {
        Curve curve = Curve.forECParameterSpec(key.getParams());
        if (!Curve.P_256.equals(curve)) {
            throw new IllegalArgumentException("token-signing keys must be P-256, got " + Optional.ofNullable(curve)
                    .map(Curve::getName).orElse("an unknown curve"));
        }
        return curve;
    }

    private static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        return value;
    }
}
