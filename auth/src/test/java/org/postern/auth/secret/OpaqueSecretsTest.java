package org.postern.auth.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postern.model.CredentialId;

class OpaqueSecretsTest {

    private static Set<String> many(Supplier<String> make, int count) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < count; i++) {
            seen.add(make.get());
        }
        return seen;
    }

    @Test
    void refreshAndInviteTokensAre32RandomBytesInBase64Url() {
        for (Supplier<String> make : java.util.List.<Supplier<String>>of(OpaqueSecrets::refreshToken, OpaqueSecrets::inviteToken)) {
            Set<String> tokens = many(make, 200);
            assertThat(tokens).hasSize(200).allMatch(t -> t.matches("[A-Za-z0-9_-]{43}"));
            assertThat(java.util.Base64.getUrlDecoder().decode(tokens.iterator().next())).hasSize(32);
        }
    }

    @Test
    void appPasswordsAreFourGroupsOfFourWithoutLookAlikes() {
        Set<String> passwords = many(OpaqueSecrets::appPassword, 500);
        assertThat(passwords).hasSize(500)
                .allMatch(p -> p.matches("[abcdefghjkmnpqrstuvwxyz23456789]{4}(-[abcdefghjkmnpqrstuvwxyz23456789]{4}){3}"));
        // 16 characters from 31 symbols: at least 78 bits.
        assertThat(16 * Math.log(OpaqueSecrets.APP_PASSWORD_ALPHABET.length()) / Math.log(2)).isGreaterThanOrEqualTo(78);
    }

    @Test
    void recoveryCodesAreFourGroupsOfFourBase32Characters() {
        assertThat(OpaqueSecrets.RECOVERY_CODE_ALPHABET).hasSize(32).doesNotContain("i", "l", "o", "u");
        assertThat(many(OpaqueSecrets::recoveryCode, 500)).hasSize(500)
                .allMatch(c -> c.matches("[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}"));
    }

    @Test
    void emailCodesAreEightDigitsAndUseEveryDigitInEveryPosition() {
        Set<String> codes = many(OpaqueSecrets::emailCode, 2000);
        assertThat(codes).allMatch(c -> c.matches("[0-9]{8}"));
        for (int pos = 0; pos < 8; pos++) {
            int p = pos;
            assertThat(codes.stream().map(c -> c.charAt(p)).distinct().count()).as("position %d", pos).isEqualTo(10);
        }
    }

    @Test
    void randomCharactersAreUniform() {
        // 31 does not divide 256: a modulo without rejection would give the first 8 symbols 9/256 instead of 8/256.
        String sample = OpaqueSecrets.randomChars(OpaqueSecrets.APP_PASSWORD_ALPHABET, 310_000);
        Map<Character, Integer> counts = new HashMap<>();
        sample.chars().forEach(c -> counts.merge((char) c, 1, Integer::sum));
        assertThat(counts).hasSize(31);
        // Expected 10,000 each; sigma is about 98. Bias would put the first ones near 11,000.
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(9_500, 10_500));
    }

    @Test
    void apiTokensNameTheirCredential() {
        CredentialId id = CredentialId.random();
        String token = OpaqueSecrets.apiToken(id);
        assertThat(token).startsWith("pst_").hasSize(OpaqueSecrets.API_TOKEN_CHARS).hasSize(70);
        assertThat(token.charAt(26)).isEqualTo('_');
        assertThat(OpaqueSecrets.apiTokenId(token)).contains(id);
        assertThat(OpaqueSecrets.apiToken(id)).isNotEqualTo(token);
    }

    @Test
    void apiTokenIdsSurviveEveryByteValue() {
        CredentialId edgy = new CredentialId(new UUID(-1L, 0L));
        assertThat(OpaqueSecrets.apiTokenId(OpaqueSecrets.apiToken(edgy))).contains(edgy);
        for (int i = 0; i < 200; i++) {
            CredentialId id = CredentialId.random();
            assertThat(OpaqueSecrets.apiTokenId(OpaqueSecrets.apiToken(id))).contains(id);
        }
    }

    @Test
    void malformedApiTokensNameNothing() {
        String good = OpaqueSecrets.apiToken(CredentialId.random());
        // The 22nd base64 character of 16 bytes carries 4 unused bits, so it is one of A Q g w; the
        // next character decodes to the same bytes: a second spelling, which must be refused.
        char lastIdChar = good.charAt(25);
        assertThat("AQgw").contains(String.valueOf(lastIdChar));
        char nonCanonical = (char) (lastIdChar + 1);
        String[] bad = {
            null, "", "pst_", good + "A", good.substring(1), good.substring(0, 69),
            "PST_" + good.substring(4), "pat_" + good.substring(4),
            good.substring(0, 26) + "." + good.substring(27),
            good.substring(0, 10) + "=" + good.substring(11),
            good.substring(0, 10) + "+" + good.substring(11),
            good.substring(0, 40) + " " + good.substring(41),
            good.substring(0, 25) + nonCanonical + good.substring(26),
            good.substring(0, 69) + "\u00e9",
        };
        for (String token : bad) {
            assertThat(OpaqueSecrets.apiTokenId(token)).as("%s", token).isEmpty();
        }
        assertThat(OpaqueSecrets.apiTokenId(good)).isPresent();
    }

    @Test
    void hashIsSha256OfUtf8() throws Exception {
        byte[] expected = MessageDigest.getInstance("SHA-256").digest("gr\u00fc\u00dfe".getBytes(StandardCharsets.UTF_8));
        assertThat(OpaqueSecrets.hash("gr\u00fc\u00dfe")).isEqualTo(expected).hasSize(32);
        assertThat(java.util.HexFormat.of().formatHex(OpaqueSecrets.hash("abc")))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void groupedSecretsMatchHowPeopleTypeThem() {
        String app = OpaqueSecrets.appPassword();
        byte[] stored = OpaqueSecrets.hashGrouped(app);
        String bare = app.replace("-", "");
        for (String typed : new String[] {app, bare, app.toUpperCase(), app.replace('-', ' '), " " + bare + "\t",
                bare.substring(0, 8) + "  " + bare.substring(8)}) {
            assertThat(OpaqueSecrets.matches(stored, OpaqueSecrets.hashGrouped(typed))).as(typed).isTrue();
        }
        assertThat(OpaqueSecrets.matches(stored, OpaqueSecrets.hashGrouped(bare.substring(1)))).isFalse();
        assertThat(OpaqueSecrets.matches(stored, OpaqueSecrets.hash(app))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"7Q2M X0HA KK3D 9ZPE", "7q2m-xoha-kk3d-9zpe", "7q2mx0hakk3d9zpe"})
    void recoveryCodesForgiveCaseSeparatorsAndCrockfordLookAlikes(String typed) {
        byte[] stored = OpaqueSecrets.hashGrouped("7q2m-x0ha-kk3d-9zpe");
        assertThat(OpaqueSecrets.matches(stored, OpaqueSecrets.hashGrouped(typed))).isTrue();
        assertThat(OpaqueSecrets.matches(OpaqueSecrets.hashGrouped("1111-aaaa-bbbb-cccc"), OpaqueSecrets.hashGrouped("iLl1-AAAA-BBBB-CCCC"))).isTrue();
    }

    @Test
    void matchesComparesContentAndRefusesNull() {
        assertThat(OpaqueSecrets.matches(new byte[] {1, 2}, new byte[] {1, 2})).isTrue();
        assertThat(OpaqueSecrets.matches(new byte[] {1, 2}, new byte[] {1, 3})).isFalse();
        assertThat(OpaqueSecrets.matches(new byte[] {1, 2}, new byte[] {1})).isFalse();
        assertThat(OpaqueSecrets.matches(null, new byte[] {1})).isFalse();
        assertThat(OpaqueSecrets.matches(new byte[0], null)).isFalse();
    }
}
