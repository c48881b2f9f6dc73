package org.postern.mta.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.mta.checks.TestMessages.bytes;
import static org.postern.mta.checks.TestMessages.text;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.mta.checks.ArcResult.Status;

/** ARC chains added by dkimpy (as a mailing list and a forwarder would), keys served by a real DNS server. */
class ArcVerifierTest {
    private static final String LIST = "lists.example-list.test";
    private static final String FORWARDER = "forward.example-fwd.test";
    private static PythonArc.Key listKey;
    private static PythonArc.Key forwarderKey;
    private static LoopbackDns dns;
    private static ArcVerifier verifier;

    @BeforeAll
    static void start() throws Exception {
        listKey = PythonArc.rsaKey();
        forwarderKey = PythonArc.rsaKey();
        dns = LoopbackDns.zone()
                .txt("arc._domainkey." + LIST, listKey.publicRecord())
                .txt("seal._domainkey." + FORWARDER, forwarderKey.publicRecord())
                .down("down.test")
                .start();
        verifier = new ArcVerifier(dns.resolver());
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private static ArcResult verify(byte[] message) throws Exception {
        try (InputStream in = new ByteArrayInputStream(message)) {
            HeaderBlock headers = HeaderBlock.read(in, 256 * 1024);
            ArcVerifier.Pending pending = verifier.begin(headers);
            InputStream body = pending.body(in);
            body.read(new byte[3]); // a reader such as the DKIM verifier may take part of the body first
            return pending.finish(body);
        }
    }

    /** The original message as the list received it, with the list's own Authentication-Results. */
    private static byte[] received(String body) {
        return bytes("Authentication-Results: " + LIST + "; spf=pass smtp.mailfrom=example.test;\r\n"
                + " dkim=pass header.d=example.test\r\n" + text(TestMessages.message("Alice <alice@example.test>",
                        "Meeting notes", body)));
    }

    /** Sealed by the list (instance 1). */
    private static byte[] listSealed(String body) throws Exception {
        return PythonArc.seal(received(body), listKey, "arc", LIST, LIST);
    }

    /** Then forwarded and sealed again (instance 2) by a forwarder that saw a passing chain. */
    private static byte[] forwarded(byte[] listSealed) throws Exception {
        byte[] withResults = bytes("Authentication-Results: " + FORWARDER + "; arc=pass; spf=fail smtp.mailfrom="
                + LIST + "\r\n" + text(listSealed));
        return PythonArc.seal(withResults, forwarderKey, "seal", FORWARDER, FORWARDER);
    }

    @Test
    void aMessageWithoutArcFieldsHasNoChain() throws Exception {
        ArcResult r = verify(TestMessages.simple());
        assertThat(r.status()).isEqualTo(Status.NONE);
        assertThat(r.instances()).isZero();
    }

    @Test
    void aChainOfOneSetPasses() throws Exception {
        ArcResult r = verify(listSealed("Hello list.\r\n"));
        assertThat(r.status()).as(r.reason()).isEqualTo(Status.PASS);
        assertThat(r.instances()).isEqualTo(1);
        assertThat(r.sealer().orElseThrow().ascii()).isEqualTo(LIST);
    }

    @Test
    void aChainOfTwoSetsPassesAndNamesTheNewestSealer() throws Exception {
        ArcResult r = verify(forwarded(listSealed("Hello list.\r\n")));
        assertThat(r.status()).as(r.reason()).isEqualTo(Status.PASS);
        assertThat(r.instances()).isEqualTo(2);
        assertThat(r.sealer().orElseThrow().ascii()).isEqualTo(FORWARDER);
    }

    @Test
    void anIntermediaryThatRewroteTheBodyAfterTheFirstSealStillPasses() throws Exception {
        // The point of ARC: the list's AMS no longer matches, but the forwarder's newest AMS does,
        // and every seal over the sets still verifies.
        String listSealed = text(listSealed("Hello list.\r\n"));
        byte[] rewritten = bytes(listSealed.replace("Hello list.\r\n", "Hello list.\r\n-- \r\nUnsubscribe: ...\r\n"));
        ArcResult r = verify(forwarded(rewritten));
        assertThat(r.status()).as(r.reason()).isEqualTo(Status.PASS);
    }

    @Test
    void aBodyChangedAfterTheNewestSealFails() throws Exception {
        String sealed = text(listSealed("Pay invoice 100.\r\n"));
        ArcResult r = verify(bytes(sealed.replace("Pay invoice 100.", "Pay invoice 900.")));
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(r.reason()).contains("ARC-Message-Signature 1 did not verify");
    }

    @Test
    void aSignedHeaderChangedAfterTheNewestSealFails() throws Exception {
        String sealed = text(listSealed("Hello.\r\n"));
        ArcResult r = verify(bytes(sealed.replace("Subject: Meeting notes", "Subject: Urgent wire")));
        assertThat(r.status()).isEqualTo(Status.FAIL);
    }

    @Test
    void anAlteredOlderSetBreaksTheNewestSeal() throws Exception {
        String chain = text(forwarded(listSealed("Hello.\r\n")));
        // Rewrite what the list said it saw (instance 1's ARC-Authentication-Results): only a seal covers it.
        String forged = chain.replace("i=1; " + LIST + "; spf=pass", "i=1; " + LIST + "; spf=none");
        assertThat(forged).isNotEqualTo(chain);
        ArcResult r = verify(bytes(forged));
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(r.reason()).contains("ARC-Seal 2 did not verify");
    }

    @Test
    void aMissingFieldOfASetFails() throws Exception {
        String chain = text(forwarded(listSealed("Hello.\r\n")));
        int start = chain.indexOf("ARC-Authentication-Results: i=1;");
        int end = chain.indexOf("\r\n", chain.indexOf("\r\n", start) + 2); // the field is folded once
        String without = chain.substring(0, start) + chain.substring(end + 2);
        ArcResult r = verify(bytes(without));
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(r.reason()).isEqualTo("incomplete ARC set 1");
    }

    @Test
    void aDuplicatedSetFails() throws Exception {
        String sealed = text(listSealed("Hello.\r\n"));
        String seal = sealed.substring(0, sealed.indexOf("ARC-Message-Signature:"));
        ArcResult r = verify(bytes(seal + sealed));
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(r.reason()).isEqualTo("duplicate ARC field for instance 1");
    }

    @Test
    void aGapInTheInstancesFails() throws Exception {
        String sealed = text(listSealed("Hello.\r\n"));
        String renumbered = sealed.replace("ARC-Seal: i=1;", "ARC-Seal: i=2;")
                .replace("ARC-Message-Signature: i=1;", "ARC-Message-Signature: i=2;")
                .replace("ARC-Authentication-Results: i=1;", "ARC-Authentication-Results: i=2;");
        ArcResult r = verify(bytes(renumbered));
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(r.reason()).isEqualTo("ARC instances are not 1 to 1");
    }

    @Test
    void anInstanceBeyondFiftyFails() throws Exception {
        String sealed = text(listSealed("Hello.\r\n"));
        ArcResult r = verify(bytes("ARC-Seal: i=51; cv=pass; a=rsa-sha256; d=x.example; s=s; b=AAAA\r\n" + sealed));
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(r.reason()).isEqualTo("ARC field without a valid instance");
    }

    @Test
    void aFirstSealClaimingAPassingChainFails() throws Exception {
        String sealed = text(listSealed("Hello.\r\n"));
        ArcResult r = verify(bytes(sealed.replace("cv=none", "cv=pass")));
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(r.reason()).isEqualTo("ARC-Seal 1 has cv=pass");
    }

    @Test
    void aChainTheLastSealerSaidFailedFails() throws Exception {
        byte[] withResults = bytes("Authentication-Results: " + FORWARDER + "; arc=fail\r\n"
                + text(listSealed("Hello.\r\n")));
        byte[] chain = PythonArc.seal(withResults, forwarderKey, "seal", FORWARDER, FORWARDER);
        ArcResult r = verify(chain);
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(r.reason()).isEqualTo("the last sealer reported a failed chain");
        assertThat(r.sealer().orElseThrow().ascii()).isEqualTo(FORWARDER);
    }

    @Test
    void aSealWithoutAPublishedKeyFails() throws Exception {
        byte[] chain = PythonArc.seal(received("Hello.\r\n"), listKey, "gone", LIST, LIST);
        ArcResult r = verify(chain);
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(r.reason()).contains("no key for signature");
    }

    @Test
    void aKeyLookupThatFailsFailsTheChainRatherThanPassingIt() throws Exception {
        byte[] chain = PythonArc.seal(bytes("Authentication-Results: down.test; spf=pass\r\n"
                + text(TestMessages.simple())), listKey, "arc", "down.test", "down.test");
        ArcResult r = verify(chain);
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(r.reason()).contains("key lookup failed");
    }

    @Test
    void aSealSignedByTheWrongKeyFails() throws Exception {
        // The list's selector, but sealed with the forwarder's private key.
        byte[] chain = PythonArc.seal(received("Hello.\r\n"), forwarderKey, "arc", LIST, LIST);
        ArcResult r = verify(chain);
        assertThat(r.status()).isEqualTo(Status.FAIL);
    }

    @Test
    void aSealThatListsHeaderFieldsIsMalformed() throws Exception {
        String sealed = text(listSealed("Hello.\r\n"));
        ArcResult r = verify(bytes(sealed.replace("ARC-Seal: i=1;", "ARC-Seal: i=1; h=from;")));
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(r.reason()).isEqualTo("malformed ARC-Seal 1");
    }
}
