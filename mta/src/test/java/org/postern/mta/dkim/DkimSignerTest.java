package org.postern.mta.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.model.DomainName;
import org.postern.model.TenantId;
import org.postern.mta.checks.DkimResult;
import org.postern.mta.checks.DkimVerifier;
import org.postern.mta.checks.LoopbackDns;
import org.postern.mta.checks.MessageSource;
import org.postern.store.DkimAlgorithm;
import org.postern.store.DkimKey;
import org.postern.store.DkimKeyState;

/** Messages signed by {@link DkimSigner}, verified by our own verifier with the keys served by a real DNS server. */
class DkimSignerTest {
    private static final DomainName D = new DomainName("example.test");
    private static final Instant NOW = Instant.now();
    private static LoopbackDns dns;
    private static DkimVerifier verifier;
    private static SigningKey ed;
    private static SigningKey rsa;
    private static final DkimSigner SIGNER = new DkimSigner(64 * 1024);

    @BeforeAll
    static void start() throws Exception {
        KeyPair edPair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair rsaPair = g.generateKeyPair();
        ed = new SigningKey(D, "pe202611e", DkimAlgorithm.ED25519, edPair.getPrivate());
        rsa = new SigningKey(D, "pe202611r", DkimAlgorithm.RSA_SHA256, rsaPair.getPrivate());
        dns = LoopbackDns.zone()
                .txt("pe202611e._domainkey." + D.ascii(), record(DkimAlgorithm.ED25519, edPair))
                .txt("pe202611r._domainkey." + D.ascii(), record(DkimAlgorithm.RSA_SHA256, rsaPair))
                .start();
        verifier = new DkimVerifier(dns.resolver());
    }

    private static String record(DkimAlgorithm algorithm, KeyPair pair) {
        return DkimKeys.txtRecord(new DkimKey(TenantId.random(), D, "s", algorithm, pair.getPublic().getEncoded(),
                new byte[] {1}, NOW, DkimKeyState.ACTIVE));
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String signed(String message) throws IOException {
        List<String> fields = SIGNER.sign(new ByteArrayInputStream(bytes(message)), List.of(ed, rsa), NOW);
        assertThat(fields).hasSize(2);
        return String.join("", fields) + message;
    }

    private static List<DkimResult.Status> verify(String message) {
        return verifier.verify(MessageSource.of(bytes(message))).stream().map(DkimResult::status).toList();
    }

    private static final String SIMPLE = "From: Alice <alice@example.test>\r\n"
            + "To: bob@example.test\r\n"
            + "Subject: Hello\r\n"
            + "Date: Mon, 23 Nov 2026 05:40:00 +0000\r\n"
            + "Message-ID: <1@example.test>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "\r\n"
            + "Hello Bob.\r\n";

    @Test
    void bothSignaturesOfASimpleMessageVerify() throws IOException {
        String message = signed(SIMPLE);
        assertThat(verify(message)).containsExactly(DkimResult.Status.PASS, DkimResult.Status.PASS);
        assertThat(message).startsWith("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.test;"
                + " s=pe202611e;\r\n\tt=" + NOW.getEpochSecond() + "; h=from:from:to:subject:date:message-id:mime-version:"
                + "content-type;");
        assertThat(message).contains("a=rsa-sha256");
        for (String line : message.split("\r\n")) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(998);
        }
    }

    @Test
    void foldedHeadersVerifyAndRefoldingIsTolerated() throws IOException {
        String message = "From: Alice\r\n  <alice@example.test>\r\n"
                + "To: bob@example.test,\r\n\tcarol@example.test\r\n"
                + "Subject:   A  subject\r\n\t  that   is folded   \r\n"
                + "\r\n"
                + "Body\r\n";
        String s = signed(message);
        assertThat(verify(s)).containsExactly(DkimResult.Status.PASS, DkimResult.Status.PASS);
        // Relaxed: a relay that refolds or changes whitespace does not break the signature.
        String refolded = s.replace("Subject:   A  subject\r\n\t  that   is folded   \r\n",
                "Subject: A subject\r\n that is folded\r\n");
        assertThat(refolded).isNotEqualTo(s);
        assertThat(verify(refolded)).containsExactly(DkimResult.Status.PASS, DkimResult.Status.PASS);
        // Header field names' case does not matter either.
        assertThat(verify(s.replace("\r\nSubject:", "\r\nSUBJECT:"))).containsOnly(DkimResult.Status.PASS);
    }

    @Test
    void anEmptyBodyAndAMissingBodyVerify() throws IOException {
        String empty = SIMPLE.substring(0, SIMPLE.indexOf("\r\n\r\n") + 4);
        assertThat(verify(signed(empty))).containsExactly(DkimResult.Status.PASS, DkimResult.Status.PASS);
        String headerOnly = SIMPLE.substring(0, SIMPLE.indexOf("\r\n\r\n") + 2);
        assertThat(verify(signed(headerOnly))).containsExactly(DkimResult.Status.PASS, DkimResult.Status.PASS);
        // Relaxed body: trailing empty lines do not count, so a body of empty lines is an empty body.
        assertThat(verify(signed(empty + "\r\n\r\n\r\n"))).containsOnly(DkimResult.Status.PASS);
    }

    @Test
    void longLinesAndALargeBodyVerify() throws IOException {
        StringBuilder body = new StringBuilder();
        body.append("x".repeat(5000)).append("\r\n");
        for (int i = 0; i < 40_000; i++) {
            body.append("line ").append(i).append(" \t with  spaces\t \r\n");
        }
        body.append("no final line end");
        String message = SIMPLE + body;
        assertThat(message.length()).isGreaterThan(1_000_000);
        assertThat(verify(signed(message))).containsExactly(DkimResult.Status.PASS, DkimResult.Status.PASS);
    }

    @Test
    void whitespaceChangesInTheBodyAreToleratedButContentChangesAreNot() throws IOException {
        String s = signed(SIMPLE.replace("Hello Bob.\r\n", "Hello  Bob. \r\n\r\n\r\n"));
        assertThat(verify(s.replace("Hello  Bob. \r\n\r\n\r\n", "Hello Bob.\r\n"))).containsOnly(DkimResult.Status.PASS);
        assertThat(verify(s.replace("Hello  Bob.", "Hello Eve."))).containsOnly(DkimResult.Status.FAIL);
    }

    @Test
    void aChangedSignedHeaderFails() throws IOException {
        String s = signed(SIMPLE);
        assertThat(verify(s.replace("Subject: Hello", "Subject: Hello!"))).containsOnly(DkimResult.Status.FAIL);
        assertThat(verify(s.replace("To: bob@", "To: eve@"))).containsOnly(DkimResult.Status.FAIL);
    }

    @Test
    void fromIsOversignedSoASecondFromBreaksTheSignature() throws IOException {
        String s = signed(SIMPLE);
        int body = s.indexOf("\r\n\r\n");
        String added = s.substring(0, body) + "\r\nFrom: Mallory <mallory@evil.test>" + s.substring(body);
        assertThat(verify(added)).containsOnly(DkimResult.Status.FAIL);
        String prepended = "From: Mallory <mallory@evil.test>\r\n" + s;
        assertThat(verify(prepended)).containsOnly(DkimResult.Status.FAIL);
    }

    @Test
    void unsignedFieldsMayBeAddedByRelays() throws IOException {
        String s = signed(SIMPLE);
        String relayed = "Received: from relay by mx; Mon, 23 Nov 2026 05:41:00 +0000\r\n"
                + "X-Spam-Score: 0\r\n" + s;
        assertThat(verify(relayed)).containsExactly(DkimResult.Status.PASS, DkimResult.Status.PASS);
    }

    @Test
    void everyInstanceOfARepeatedFieldIsSigned() throws IOException {
        String message = SIMPLE.replace("To: bob@example.test\r\n",
                "To: bob@example.test\r\nTo: carol@example.test\r\nCc: dave@example.test\r\n");
        String s = signed(message);
        assertThat(s).contains("h=from:from:to:to:cc:subject");
        assertThat(verify(s)).containsOnly(DkimResult.Status.PASS);
        assertThat(verify(s.replace("To: carol@", "To: trudy@"))).containsOnly(DkimResult.Status.FAIL);
    }

    @Test
    void eightBitHeadersVerify() throws IOException {
        String message = SIMPLE.replace("Subject: Hello", "Subject: Grüße aus Köln");
        assertThat(verify(signed(message))).containsOnly(DkimResult.Status.PASS);
    }

    @Test
    void anOversizedHeaderBlockIsRefused() {
        String huge = "X-Filler: " + "y".repeat(70_000) + "\r\n" + SIMPLE;
        assertThatThrownBy(() -> signWithEd25519(huge)).isInstanceOf(IOException.class);
    }

    private static void signWithEd25519(String message) throws IOException {
        SIGNER.sign(new ByteArrayInputStream(bytes(message)), List.of(ed), NOW);
    }

    @Test
    void noKeysGiveNoSignatures() throws IOException {
        assertThat(SIGNER.sign(new ByteArrayInputStream(bytes(SIMPLE)), List.of(), NOW)).isEmpty();
    }

    @Test
    void selectorsAreDatedAndStayUniqueWithinAMonth() {
        Instant t = Instant.parse("2026-11-23T05:40:00Z");
        assertThat(DkimKeys.freshSelectors(t, Set.of())).containsExactly("pe202611e", "pe202611r");
        assertThat(DkimKeys.freshSelectors(t, Set.of("pe202611e", "pe202611r")))
                .containsExactly("pe202611-2e", "pe202611-2r");
        assertThat(DkimKeys.freshSelectors(t, Set.of("pe202611e", "pe202611r", "pe202611-2r")))
                .containsExactly("pe202611-3e", "pe202611-3r");
        assertThat(DkimKeys.freshSelectors(Instant.parse("2027-01-01T00:00:00Z"), Set.of("pe202611e")))
                .containsExactly("pe202701e", "pe202701r");
    }

    @Test
    void anEd25519RecordCarriesTheRawKeyAndAnRsaRecordTheSubjectPublicKeyInfo() throws Exception {
        KeyPair p = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String edRecord = record(DkimAlgorithm.ED25519, p);
        assertThat(edRecord).startsWith("v=DKIM1; k=ed25519; p=");
        assertThat(java.util.Base64.getDecoder().decode(edRecord.substring(edRecord.indexOf("p=") + 2))).hasSize(32);
    }
}
