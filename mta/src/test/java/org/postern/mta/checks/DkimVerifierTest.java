package org.postern.mta.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.mta.checks.TestMessages.bytes;
import static org.postern.mta.checks.TestMessages.text;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.mta.checks.DkimResult.Status;

/** DKIM verification of messages signed by dkimpy, keys served by a real DNS server. */
class DkimVerifierTest {
    private static final String D = "example.test";
    private static PythonDkim.Key rsa;
    private static PythonDkim.Key ed;
    private static LoopbackDns dns;
    private static DkimVerifier verifier;

    @BeforeAll
    static void start() throws Exception {
        rsa = PythonDkim.rsaKey();
        ed = PythonDkim.ed25519Key();
        dns = LoopbackDns.zone()
                .txt("rsa._domainkey." + D, rsa.publicRecord())
                .txt("ed._domainkey." + D, ed.publicRecord())
                .txt("revoked._domainkey." + D, "v=DKIM1; k=rsa; p=")
                .txt("strict._domainkey." + D, rsa.publicRecord() + "; t=s")
                .txt("testing._domainkey." + D, rsa.publicRecord() + "; t=y")
                .txt("sha1only._domainkey." + D, "v=DKIM1; h=sha1; k=rsa; p=" + rsa.publicRecord().split("p=")[1])
                .txt("wrongtype._domainkey." + D, ed.publicRecord())
                .txt("garbage._domainkey." + D, "v=DKIM1; k=rsa; p=not*base64")
                .txt("double._domainkey." + D, rsa.publicRecord())
                .txt("double._domainkey." + D, rsa.publicRecord() + "; t=y")
                .txt("mixed._domainkey." + D, "some-site-verification=abc")
                .txt("mixed._domainkey." + D, rsa.publicRecord())
                .down("down.test")
                .start();
        verifier = new DkimVerifier(dns.resolver());
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private static List<DkimResult> verify(byte[] message) {
        return verifier.verify(MessageSource.of(message));
    }

    private static DkimResult only(byte[] message) {
        List<DkimResult> results = verify(message);
        assertThat(results).hasSize(1);
        return results.get(0);
    }

    @Test
    void rsaRelaxedSignaturesPass() throws Exception {
        DkimResult r = only(PythonDkim.sign(TestMessages.simple(), rsa, "rsa", D));
        assertThat(r.status()).as(r.reason()).isEqualTo(Status.PASS);
        assertThat(r.domain().orElseThrow().ascii()).isEqualTo(D);
        assertThat(r.selector()).isEqualTo("rsa");
        assertThat(r.algorithm()).isEqualTo("rsa-sha256");
        assertThat(r.signaturePrefix()).hasSize(8);
        assertThat(r.authenticates()).isTrue();
    }

    @Test
    void rsaSimpleSignaturesPass() throws Exception {
        byte[] signed = PythonDkim.sign(TestMessages.simple(), rsa, "rsa", D, "simple/simple", false, null);
        assertThat(only(signed).status()).isEqualTo(Status.PASS);
    }

    @Test
    void ed25519SignaturesPass() throws Exception {
        byte[] signed = PythonDkim.sign(TestMessages.simple(), ed, "ed", D, "relaxed/simple", false, null);
        DkimResult r = only(signed);
        assertThat(r.status()).as(r.reason()).isEqualTo(Status.PASS);
        assertThat(r.algorithm()).isEqualTo("ed25519-sha256");
    }

    @Test
    void aTamperedBodyFails() throws Exception {
        byte[] signed = PythonDkim.sign(TestMessages.simple(), rsa, "rsa", D);
        DkimResult r = only(bytes(text(signed).replace("the numbers", "the NUMBERS")));
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(r.reason()).contains("body hash");
    }

    @Test
    void aTamperedSignedHeaderFails() throws Exception {
        byte[] signed = PythonDkim.sign(TestMessages.simple(), ed, "ed", D);
        DkimResult r = only(bytes(text(signed).replace("Subject: Quarterly", "Subject: Urgent")));
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(r.reason()).contains("signature did not verify");
    }

    @Test
    void anAddedFromHeaderAboveTheSignedOneFails() throws Exception {
        byte[] signed = PythonDkim.sign(TestMessages.simple(), rsa, "rsa", D);
        String t = text(signed);
        int body = t.indexOf("\r\n\r\n");
        byte[] forged = bytes(t.substring(0, body) + "\r\nFrom: Mallory <m@evil.test>" + t.substring(body));
        assertThat(only(forged).status()).isEqualTo(Status.FAIL);
    }

    @Test
    void unsignedHeadersAndWhitespaceChangesKeepARelaxedSignature() throws Exception {
        byte[] signed = PythonDkim.sign(TestMessages.simple(), rsa, "rsa", D);
        String t = "X-Added: by a relay\r\n" + text(signed).replace("Subject: Quarterly  numbers",
                "Subject:   Quarterly \t numbers  ");
        assertThat(only(bytes(t)).status()).isEqualTo(Status.PASS);
    }

    @Test
    void bareLineFeedsVerifyAsCrlf() throws Exception {
        byte[] signed = PythonDkim.sign(TestMessages.simple(), rsa, "rsa", D, "simple/simple", false, null);
        assertThat(only(bytes(text(signed).replace("\r\n", "\n"))).status()).isEqualTo(Status.PASS);
    }

    @Test
    void aMissingKeyIsAPermerror() throws Exception {
        DkimResult r = only(PythonDkim.sign(TestMessages.simple(), rsa, "missing", D));
        assertThat(r.status()).isEqualTo(Status.PERMERROR);
        assertThat(r.reason()).isEqualTo("no key for signature");
        assertThat(r.selector()).isEqualTo("missing");
    }

    @Test
    void aRevokedKeyFails() throws Exception {
        DkimResult r = only(PythonDkim.sign(TestMessages.simple(), rsa, "revoked", D));
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(r.reason()).isEqualTo("key revoked");
    }

    @Test
    void keyRecordsThatDoNotApplyArePermerrors() throws Exception {
        assertThat(only(PythonDkim.sign(TestMessages.simple(), rsa, "sha1only", D)).status())
                .isEqualTo(Status.PERMERROR);
        assertThat(only(PythonDkim.sign(TestMessages.simple(), rsa, "wrongtype", D)).reason())
                .isEqualTo("key type does not match a=");
        assertThat(only(PythonDkim.sign(TestMessages.simple(), rsa, "garbage", D)).status())
                .isEqualTo(Status.PERMERROR);
        assertThat(only(PythonDkim.sign(TestMessages.simple(), rsa, "double", D)).reason())
                .isEqualTo("several key records");
    }

    @Test
    void aNonKeyRecordBesideTheKeyIsIgnored() throws Exception {
        assertThat(only(PythonDkim.sign(TestMessages.simple(), rsa, "mixed", D)).status()).isEqualTo(Status.PASS);
    }

    @Test
    void aStrictKeyRefusesASubdomainIdentity() throws Exception {
        byte[] sub = PythonDkim.sign(TestMessages.simple(), rsa, "strict", D, "relaxed/relaxed", false,
                "alice@mail." + D);
        assertThat(only(sub).status()).isEqualTo(Status.PERMERROR);
        byte[] same = PythonDkim.sign(TestMessages.simple(), rsa, "strict", D, "relaxed/relaxed", false,
                "alice@" + D);
        assertThat(only(same).status()).isEqualTo(Status.PASS);
    }

    @Test
    void aTestingKeyIsReported() throws Exception {
        DkimResult r = only(PythonDkim.sign(TestMessages.simple(), rsa, "testing", D));
        assertThat(r.status()).isEqualTo(Status.PASS);
        assertThat(r.testing()).isTrue();
    }

    @Test
    void aBodyLengthCoveringTheWholeBodyPasses() throws Exception {
        byte[] signed = PythonDkim.sign(TestMessages.simple(), rsa, "rsa", D, "relaxed/relaxed", true, null);
        assertThat(text(signed)).contains("l=");
        assertThat(only(signed).status()).isEqualTo(Status.PASS);
    }

    @Test
    void contentAppendedAfterTheBodyLengthIsPolicyNotPass() throws Exception {
        byte[] signed = PythonDkim.sign(TestMessages.simple(), rsa, "rsa", D, "relaxed/relaxed", true, null);
        byte[] appended = bytes(text(signed) + "Click here: http://evil.test/\r\n");
        DkimResult r = only(appended);
        assertThat(r.status()).isEqualTo(Status.POLICY);
        assertThat(r.reason()).contains("unsigned");
        assertThat(r.authenticates()).isFalse();
    }

    @Test
    void aBodyShorterThanTheLengthFails() throws Exception {
        byte[] signed = PythonDkim.sign(TestMessages.simple(), rsa, "rsa", D, "simple/simple", true, null);
        byte[] cut = bytes(text(signed).replace("\r\nAlice\r\n", "\r\n"));
        assertThat(only(cut).status()).isEqualTo(Status.FAIL);
    }

    @Test
    void everySignatureGetsItsOwnResultInHeaderOrder() throws Exception {
        byte[] once = PythonDkim.sign(TestMessages.simple(), ed, "ed", D);
        byte[] twice = PythonDkim.sign(once, rsa, "missing", D);
        List<DkimResult> results = verify(twice);
        assertThat(results).extracting(DkimResult::status).containsExactly(Status.PERMERROR, Status.PASS);
        assertThat(results).extracting(DkimResult::selector).containsExactly("missing", "ed");
    }

    @Test
    void signaturesBeyondTheLimitAreNotEvaluated() throws Exception {
        byte[] once = PythonDkim.sign(TestMessages.simple(), ed, "ed", D);
        byte[] twice = PythonDkim.sign(once, rsa, "rsa", D);
        DkimVerifier one = new DkimVerifier(dns.resolver(),
                new DkimVerifier.Limits(1, 64 * 1024, Duration.ofMinutes(5)), Clock.systemUTC());
        assertThat(one.verify(MessageSource.of(twice))).extracting(DkimResult::selector).containsExactly("rsa");
    }

    @Test
    void anOversizeHeaderBlockIsASinglePermerror() throws Exception {
        byte[] signed = PythonDkim.sign(TestMessages.simple(), rsa, "rsa", D);
        byte[] big = bytes("X-Padding: " + "p".repeat(3000) + "\r\n" + text(signed));
        DkimVerifier small = new DkimVerifier(dns.resolver(),
                new DkimVerifier.Limits(5, 2048, Duration.ofMinutes(5)), Clock.systemUTC());
        List<DkimResult> results = small.verify(MessageSource.of(big));
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.PERMERROR);
            assertThat(r.reason()).isEqualTo("header block too large");
        });
    }

    private static String handMade(String tags) {
        return "DKIM-Signature: " + tags + "\r\n" + text(TestMessages.simple());
    }

    private static final String BH = Base64.getEncoder().encodeToString(new byte[32]);

    @Test
    void anExpiredSignatureFails() {
        String msg = handMade("v=1; a=rsa-sha256; d=" + D + "; s=rsa; h=from; bh=" + BH + "; b=AAAA; t=1000; x=2000");
        DkimResult r = only(bytes(msg));
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(r.reason()).isEqualTo("signature expired");
    }

    @Test
    void aSignatureFromTheFutureFails() {
        long future = Instant.now().plus(Duration.ofDays(2)).getEpochSecond();
        String msg = handMade("v=1; a=rsa-sha256; d=" + D + "; s=rsa; h=from; bh=" + BH + "; b=AAAA; t=" + future);
        assertThat(only(bytes(msg)).reason()).isEqualTo("signature timestamp in the future");
        // ...but within the clock skew it is only judged on its merits.
        DkimVerifier late = new DkimVerifier(dns.resolver(), DkimVerifier.Limits.defaults(),
                Clock.fixed(Instant.ofEpochSecond(future - 60), ZoneOffset.UTC));
        assertThat(late.verify(MessageSource.of(bytes(msg))).get(0).reason()).isNotEqualTo("signature timestamp in the future");
    }

    @Test
    void malformedSignaturesArePermerrorsThatStillNameTheirDomain() {
        DkimResult noBodyHash = only(bytes(handMade("v=1; a=rsa-sha256; d=" + D + "; s=rsa; h=from; b=AAAA")));
        assertThat(noBodyHash.status()).isEqualTo(Status.PERMERROR);
        assertThat(noBodyHash.domain().orElseThrow().ascii()).isEqualTo(D);
        DkimResult sha1 = only(bytes(handMade("v=1; a=rsa-sha1; d=" + D + "; s=rsa; h=from; bh=" + BH + "; b=AAAA")));
        assertThat(sha1.status()).isEqualTo(Status.NEUTRAL);
        assertThat(sha1.reason()).contains("rsa-sha1");
        assertThat(only(bytes(handMade("v=1; a=rsa-sha256; c=fancy/simple; d=" + D + "; s=rsa; h=from; bh=" + BH
                + "; b=AAAA"))).status()).isEqualTo(Status.NEUTRAL);
        assertThat(only(bytes(handMade("v=1; a=rsa-sha256; d=" + D + "; s=rsa; h=to; bh=" + BH + "; b=AAAA"))).reason())
                .isEqualTo("From is not signed");
        assertThat(only(bytes(handMade("v=1; a=rsa-sha256; d=" + D + "; s=rsa; h=from; bh=" + BH
                + "; b=AAAA; i=alice@other.test"))).reason()).isEqualTo("i= is not within d=");
        assertThat(only(bytes(handMade("v=1; v=1; garbage"))).status()).isEqualTo(Status.PERMERROR);
        assertThat(only(bytes(handMade("v=1; a=rsa-sha256; d=" + D + "; s=bad\r\n selector; h=from; bh=" + BH
                + "; b=AAAA"))).reason()).isEqualTo("invalid s= selector");
    }

    @Test
    void aDeadDnsServerIsATemperror() throws Exception {
        byte[] signed = PythonDkim.sign(TestMessages.simple(), rsa, "rsa", D);
        DkimResult r = new DkimVerifier(LoopbackDns.deadResolver()).verify(MessageSource.of(signed)).get(0);
        assertThat(r.status()).isEqualTo(Status.TEMPERROR);
    }

    @Test
    void anUnreadableMessageIsATemperror() {
        List<DkimResult> results = verifier.verify(() -> {
            throw new IOException("store unavailable");
        });
        assertThat(results).singleElement().extracting(DkimResult::status).isEqualTo(Status.TEMPERROR);
    }

    @Test
    void anUnsignedMessageHasNoResults() {
        assertThat(verify(TestMessages.simple())).isEmpty();
    }
}
