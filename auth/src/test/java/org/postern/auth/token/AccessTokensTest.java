package org.postern.auth.token;

import org.postern.auth.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postern.model.AccessDeniedException;
import org.postern.model.Role;
import org.postern.model.SessionId;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.identity.SessionLevel;

class AccessTokensTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ISS = "https://mail.example.org";
    private static final String AUD = "postern";
    private static final Duration LIFETIME = Duration.ofMinutes(10);
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private final UserId user = UserId.random();
    private final TenantId tenant = TenantId.random();
    private final SessionId session = SessionId.random();

    private MutableClock clock;
    private RotatingKeys keys;
    private SigningKey key;
    private AccessTokens tokens;


    /** Keys the test rotates: the first is active. */
    static final class RotatingKeys implements SigningKeys {
        volatile List<SigningKey> keys;

        RotatingKeys(SigningKey... keys) {
            this.keys = List.of(keys);
        }

        @Override
        public SigningKey active() {
            return keys.getFirst();
        }

        @Override
        public List<SigningKey> verificationKeys() {
            return keys;
        }
    }

    static KeyPair ecPair(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    static SigningKey newKey() throws Exception {
        KeyPair pair = ecPair("secp256r1");
        ECPublicKey pub = (ECPublicKey) pair.getPublic();
        return new SigningKey(AccessTokens.thumbprint(pub), pub, (ECPrivateKey) pair.getPrivate());
    }

    @BeforeEach
    void setUp() throws Exception {
        clock = new MutableClock(T0);
        key = newKey();
        keys = new RotatingKeys(key);
        tokens = new AccessTokens(keys, ISS, AUD, LIFETIME, clock);
    }

    // ---- hand-made tokens ------------------------------------------------------------------

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String b64(Object json) {
        try {
            return b64(JSON.writeValueAsBytes(json));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, Object> header() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("alg", "ES256");
        h.put("kid", key.kid());
        h.put("typ", "at+jwt");
        return h;
    }

    private Map<String, Object> claims() {
        long now = T0.getEpochSecond();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", ISS);
        c.put("aud", AUD);
        c.put("sub", user.toString());
        c.put("iat", now);
        c.put("nbf", now);
        c.put("exp", now + LIFETIME.toSeconds());
        c.put("jti", "j-1");
        c.put("tid", tenant.toString());
        c.put("role", "tenant-admin");
        c.put("sid", session.toString());
        c.put("lvl", "FULL");
        return c;
    }

    private static String signWith(String algorithm, PrivateKey signer, Object header, Object claims) {
        String input = b64(header) + "." + b64(claims);
        try {
            Signature s = Signature.getInstance(algorithm);
            s.initSign(signer);
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64(s.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String es256(PrivateKey signer, Object header, Object claims) {
        return signWith("SHA256withECDSAinP1363Format", signer, header, claims);
    }

    private static String hmac(String algorithm, byte[] secret, Object header, Object claims) throws Exception {
        String input = b64(header) + "." + b64(claims);
        Mac mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(secret, algorithm));
        return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    private String withHeader(Consumer<Map<String, Object>> change) {
        Map<String, Object> h = header();
        change.accept(h);
        return es256(key.privateKey(), h, claims());
    }

    private String withClaims(Consumer<Map<String, Object>> change) {
        Map<String, Object> c = claims();
        change.accept(c);
        return es256(key.privateKey(), header(), c);
    }

    private void rejected(String token, String reason) {
        assertThatThrownBy(() -> tokens.verify(token))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.reason()).contains(reason))
                .hasMessage("access token rejected");
    }

    // ---- issuing and verifying ---------------------------------------------------------------

    @Test
    void anIssuedTokenVerifiesToItsClaims() {
        String token = tokens.issue(user, tenant, Role.TENANT_ADMIN, session, SessionLevel.ENROL_MFA);
        AccessClaims claims = tokens.verify(token);
        assertThat(claims.userId()).isEqualTo(user);
        assertThat(claims.tenantId()).isEqualTo(tenant);
        assertThat(claims.role()).isEqualTo(Role.TENANT_ADMIN);
        assertThat(claims.sessionId()).isEqualTo(session);
        assertThat(claims.level()).isEqualTo(SessionLevel.ENROL_MFA);
        assertThat(claims.issuedAt()).isEqualTo(T0);
        assertThat(claims.expiresAt()).isEqualTo(T0.plus(LIFETIME));
        assertThat(claims.tokenId()).isNotBlank();
        assertThat(tokens.lifetime()).isEqualTo(LIFETIME);
    }

    @Test
    void anIssuedTokenHasTheAdvertisedHeaderAndClaims() throws Exception {
        clock.set(T0.plusMillis(700));
        String[] parts = tokens.issue(user, tenant, Role.USER, session, SessionLevel.FULL).split("\\.");
        assertThat(parts).hasSize(3);
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        assertThat(header.properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("alg", "kid", "typ");
        assertThat(header.get("alg").asText()).isEqualTo("ES256");
        assertThat(header.get("kid").asText()).isEqualTo(key.kid());
        assertThat(header.get("typ").asText()).isEqualTo("at+jwt");
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(claims.properties()).extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("iss", "aud", "sub", "iat", "nbf", "exp", "jti", "tid", "role", "sid", "lvl");
        assertThat(claims.get("iss").asText()).isEqualTo(ISS);
        assertThat(claims.get("aud").asText()).isEqualTo(AUD);
        assertThat(claims.get("sub").asText()).isEqualTo(user.toString());
        assertThat(claims.get("iat").asLong()).isEqualTo(T0.getEpochSecond());
        assertThat(claims.get("nbf").asLong()).isEqualTo(T0.getEpochSecond());
        assertThat(claims.get("exp").asLong()).isEqualTo(T0.getEpochSecond() + 600);
        assertThat(claims.get("role").asText()).isEqualTo("user");
        assertThat(claims.get("lvl").asText()).isEqualTo("FULL");
        assertThat(Base64.getUrlDecoder().decode(parts[2])).hasSize(64);
    }

    @Test
    void everyTokenHasItsOwnId() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            ids.add(tokens.verify(tokens.issue(user, tenant, Role.USER, session, SessionLevel.FULL)).tokenId());
        }
        assertThat(ids).hasSize(50);
    }

    @Test
    void aHandMadeTokenWithOurKeyVerifiesSoTheRefusalsBelowAreAboutWhatTheyChange() {
        assertThat(tokens.verify(es256(key.privateKey(), header(), claims())).role()).isEqualTo(Role.TENANT_ADMIN);
    }

    @Test
    void rejectionIsAnAccessDenialWithAGenericMessage() {
        assertThatThrownBy(() -> tokens.verify("x")).isInstanceOf(AccessDeniedException.class)
                .hasMessage(TokenRejectedException.MESSAGE);
    }

    // ---- algorithms ----------------------------------------------------------------------------

    @Test
    void algNoneIsRefused() {
        Map<String, Object> h = header();
        h.put("alg", "none");
        String unsigned = b64(h) + "." + b64(claims()) + ".";
        rejected(unsigned, "not three base64url parts");
        rejected(unsigned + "AAAA", "malformed");
        h.put("alg", "None");
        rejected(b64(h) + "." + b64(claims()) + ".AAAA", "algorithm is not ES256");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HmacSHA256", "HmacSHA384", "HmacSHA512"})
    void hmacKeyedWithThePublicKeyIsRefused(String mac) throws Exception {
        String alg = "HS" + mac.substring(mac.length() - 3);
        Map<String, Object> h = header();
        h.put("alg", alg);
        ECKey jwk = new ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256, key.publicKey()).keyID(key.kid()).build();
        List<byte[]> guesses = List.of(key.publicKey().getEncoded(), jwk.toJSONString().getBytes(StandardCharsets.UTF_8),
                jwk.getX().decode(), tokens.jwksJson().getBytes(StandardCharsets.UTF_8));
        for (byte[] secret : guesses) {
            rejected(hmac(mac, secret, h, claims()), "algorithm is not ES256");
        }
    }

    @Test
    void rsaIsRefusedEvenWithOurKid() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        PrivateKey rsa = g.generateKeyPair().getPrivate();
        for (String alg : new String[] {"RS256", "PS256"}) {
            Map<String, Object> h = header();
            h.put("alg", alg);
            rejected(signWith("SHA256withRSA", rsa, h, claims()), "algorithm is not ES256");
        }
    }

    @Test
    void eddsaIsRefused() throws Exception {
        PrivateKey ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();
        Map<String, Object> h = header();
        h.put("alg", "EdDSA");
        rejected(signWith("Ed25519", ed, h, claims()), "algorithm is not ES256");
    }

    @Test
    void otherCurvesAreRefused() throws Exception {
        Map<String, Object> h = header();
        h.put("alg", "ES384");
        rejected(signWith("SHA384withECDSAinP1363Format", ecPair("secp384r1").getPrivate(), h, claims()),
                "algorithm is not ES256");
        h.put("alg", "ES256K");
        rejected(es256(key.privateKey(), h, claims()), "algorithm is not ES256");
    }

    // ---- keys ----------------------------------------------------------------------------------

    @Test
    void aDifferentKeyUnderOurKidIsRefused() throws Exception {
        SigningKey impostor = newKey();
        rejected(es256(impostor.privateKey(), header(), claims()), "bad signature");
    }

    @Test
    void aMissingOrUnknownKidIsRefused() throws Exception {
        rejected(withHeader(h -> h.remove("kid")), "no kid");
        rejected(withHeader(h -> h.put("kid", "someone-else")), "unknown kid");
        SigningKey other = newKey();
        Map<String, Object> h = header();
        h.put("kid", other.kid());
        rejected(es256(other.privateKey(), h, claims()), "unknown kid");
    }

    @Test
    void headersBeyondAlgKidAndTypAreRefused() throws Exception {
        rejected(withHeader(h -> {
            h.put("crit", List.of("exp"));
            h.put("exp", 1);
        }), "unexpected header parameter");
        SigningKey attacker = newKey();
        Map<String, Object> embedded = new LinkedHashMap<>(new ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256,
                attacker.publicKey()).build().toJSONObject());
        Map<String, Object> h = header();
        h.put("jwk", embedded);
        rejected(es256(attacker.privateKey(), h, claims()), "unexpected header parameter");
        rejected(withHeader(x -> x.put("jku", "https://attacker.example/jwks.json")), "unexpected header parameter");
        rejected(withHeader(x -> x.put("x5u", "https://attacker.example/cert.pem")), "unexpected header parameter");
        rejected(withHeader(x -> x.put("cty", "JWT")), "unexpected header parameter");
    }

    @Test
    void theTypMustBeAtJwt() {
        rejected(withHeader(h -> h.remove("typ")), "typ");
        rejected(withHeader(h -> h.put("typ", "JWT")), "typ");
        rejected(withHeader(h -> h.put("typ", "application/at+jwt+x")), "typ");
    }

    @Test
    void rotationKeepsThePreviousKeyForVerificationUntilItIsRemoved() throws Exception {
        String old = tokens.issue(user, tenant, Role.USER, session, SessionLevel.FULL);
        SigningKey next = newKey();
        keys.keys = List.of(next, key);
        String fresh = tokens.issue(user, tenant, Role.USER, session, SessionLevel.FULL);
        assertThat(JSON.readTree(Base64.getUrlDecoder().decode(fresh.split("\\.")[0])).get("kid").asText())
                .isEqualTo(next.kid());
        assertThat(tokens.verify(old).userId()).isEqualTo(user);
        assertThat(tokens.verify(fresh).userId()).isEqualTo(user);
        keys.keys = List.of(next);
        rejected(old, "unknown kid");
        assertThat(tokens.verify(fresh).userId()).isEqualTo(user);
    }

    // ---- shape and size ------------------------------------------------------------------------

    @Test
    void tokensLongerThan4096CharactersAreRefusedBeforeParsing() {
        String fits = withClaims(c -> c.put("pad", "x".repeat(2600)));
        assertThat(fits.length()).isLessThanOrEqualTo(4096);
        assertThat(tokens.verify(fits).userId()).isEqualTo(user);
        String tooLong = withClaims(c -> c.put("pad", "x".repeat(3000)));
        assertThat(tooLong.length()).isGreaterThan(4096);
        rejected(tooLong, "longer than 4096");
    }

    @Test
    void junkIsRefused() {
        String good = tokens.issue(user, tenant, Role.USER, session, SessionLevel.FULL);
        String[] p = good.split("\\.");
        rejected(null, "empty");
        rejected("", "empty");
        for (String junk : new String[] {"a", "a.b", "a.b.c.d", "a..c", "..", "...", good + ".", "." + good,
                good + "=", " " + good, good + "\n", p[0] + "." + p[1] + ".+" + p[2].substring(1), good.replace('.', ',')}) {
            rejected(junk, "not three base64url parts");
        }
        rejected("a.b.c", "malformed");
        rejected(p[0] + "." + b64("not json".getBytes(StandardCharsets.UTF_8)) + "." + p[2], "bad signature");
    }

    @Test
    void aChangedPayloadBreaksTheSignature() {
        String good = tokens.issue(user, tenant, Role.USER, session, SessionLevel.FULL);
        String[] p = good.split("\\.");
        Map<String, Object> c = claims();
        c.put("role", "server-admin");
        rejected(p[0] + "." + b64(c) + "." + p[2], "bad signature");
        byte[] sig = Base64.getUrlDecoder().decode(p[2]);
        sig[10] ^= 1;
        rejected(p[0] + "." + p[1] + "." + b64(sig), "bad signature");
        rejected(p[0] + "." + p[1] + "." + b64(new byte[64]), "bad signature");
    }

    // ---- claims --------------------------------------------------------------------------------

    @Test
    void issuerAndAudienceMustBeOurs() {
        rejected(withClaims(c -> c.put("iss", "https://evil.example")), "wrong issuer");
        rejected(withClaims(c -> c.put("aud", "someone-else")), "wrong audience");
        rejected(withClaims(c -> c.put("aud", List.of(AUD, "someone-else"))), "wrong audience");
        assertThat(tokens.verify(withClaims(c -> c.put("aud", List.of(AUD)))).userId()).isEqualTo(user);
        AccessTokens otherAudience = new AccessTokens(keys, ISS, "other", LIFETIME, clock);
        assertThatThrownBy(() -> otherAudience.verify(tokens.issue(user, tenant, Role.USER, session, SessionLevel.FULL)))
                .isInstanceOf(TokenRejectedException.class);
    }

    @Test
    void expiryAllowsThirtySecondsOfSkewAndNoMore() {
        String token = tokens.issue(user, tenant, Role.USER, session, SessionLevel.FULL);
        clock.set(T0.plus(LIFETIME).plusSeconds(29));
        assertThat(tokens.verify(token).userId()).isEqualTo(user);
        clock.set(T0.plus(LIFETIME).plusSeconds(30));
        rejected(token, "expired");
        clock.set(T0.plus(Duration.ofDays(365)));
        rejected(token, "expired");
    }

    @Test
    void tokensFromTheFutureAreRefusedBeyondTheSkew() {
        long future = T0.getEpochSecond() + 31;
        rejected(withClaims(c -> c.put("iat", future)), "issued in the future");
        rejected(withClaims(c -> c.put("nbf", future)), "not yet valid");
        assertThat(tokens.verify(withClaims(c -> {
            c.put("iat", T0.getEpochSecond() + 30);
            c.put("nbf", T0.getEpochSecond() + 30);
        })).userId()).isEqualTo(user);
        rejected(withClaims(c -> c.put("exp", c.get("iat"))), "exp not after iat");
    }

    @ParameterizedTest
    @ValueSource(strings = {"iss", "aud", "sub", "iat", "nbf", "exp", "jti", "tid", "role", "sid", "lvl"})
    void everyRequiredClaimMustBePresent(String claim) {
        assertThatThrownBy(() -> tokens.verify(withClaims(c -> c.remove(claim))))
                .isInstanceOf(TokenRejectedException.class);
    }

    @Test
    void illFormedClaimsAreRefused() {
        rejected(withClaims(c -> c.put("sub", "admin")), "ill-formed claim");
        rejected(withClaims(c -> c.put("sub", user.toString().toUpperCase())), "ill-formed claim");
        rejected(withClaims(c -> c.put("tid", "1-1-1-1-1")), "ill-formed claim");
        rejected(withClaims(c -> c.put("sid", 42)), "sid is not a string");
        rejected(withClaims(c -> c.put("role", "root")), "unknown role");
        rejected(withClaims(c -> c.put("role", "SERVER_ADMIN")), "unknown role");
        rejected(withClaims(c -> c.put("lvl", "full")), "unknown session level");
        rejected(withClaims(c -> c.put("lvl", List.of("FULL"))), "lvl is not a string");
        rejected(withClaims(c -> c.put("jti", "")), "jti");
        rejected(withClaims(c -> c.put("jti", "j".repeat(129))), "jti");
        rejected(withClaims(c -> c.put("exp", "tomorrow")), "malformed claims");
        rejected(withClaims(c -> c.put("sub", 7)), "ill-formed claim");
    }

    // ---- JWKS and thumbprints ------------------------------------------------------------------

    @Test
    void jwksListsEveryVerificationKeyPublicPartsOnly() throws Exception {
        SigningKey next = newKey();
        keys.keys = List.of(next, key);
        JsonNode jwks = JSON.readTree(tokens.jwksJson());
        assertThat(jwks.properties()).extracting(Map.Entry::getKey).containsExactly("keys");
        List<String> kids = new ArrayList<>();
        for (JsonNode k : jwks.get("keys")) {
            assertThat(k.properties()).extracting(Map.Entry::getKey)
                    .containsExactlyInAnyOrder("kty", "crv", "x", "y", "kid", "alg", "use");
            assertThat(k.get("kty").asText()).isEqualTo("EC");
            assertThat(k.get("crv").asText()).isEqualTo("P-256");
            assertThat(k.get("alg").asText()).isEqualTo("ES256");
            assertThat(k.get("use").asText()).isEqualTo("sig");
            JWK parsed = JWK.parse(k.toString());
            assertThat(parsed.isPrivate()).isFalse();
            ECPublicKey pub = parsed.toECKey().toECPublicKey();
            SigningKey match = k.get("kid").asText().equals(key.kid()) ? key : next;
            assertThat(pub.getW()).isEqualTo(match.publicKey().getW());
            assertThat(AccessTokens.thumbprint(pub)).isEqualTo(k.get("kid").asText());
            kids.add(k.get("kid").asText());
        }
        assertThat(kids).containsExactly(next.kid(), key.kid());
        assertThat(tokens.jwksJson()).doesNotContain("\"d\"");
    }

    @Test
    void thumbprintIsRfc7638() throws Exception {
        ECKey jwk = new ECKey.Builder(com.nimbusds.jose.jwk.Curve.P_256, key.publicKey()).build();
        // RFC 7638 section 3.2: the required members in lexicographic order, no white space.
        String canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + jwk.getX() + "\",\"y\":\"" + jwk.getY() + "\"}";
        String expected = b64(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        assertThat(AccessTokens.thumbprint(key.publicKey())).isEqualTo(expected).hasSize(43);
    }

    @Test
    void onlyP256KeysAreAccepted() throws Exception {
        ECPublicKey p384 = (ECPublicKey) ecPair("secp384r1").getPublic();
        assertThatThrownBy(() -> AccessTokens.thumbprint(p384)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void constructionIsValidated() {
        assertThatThrownBy(() -> new AccessTokens(keys, " ", AUD, LIFETIME, clock)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AccessTokens(keys, ISS, "", LIFETIME, clock)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AccessTokens(keys, ISS, AUD, Duration.ZERO, clock)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AccessTokens(keys, ISS, AUD, Duration.ofDays(2), clock)).isInstanceOf(IllegalArgumentException.class);
    }
}
