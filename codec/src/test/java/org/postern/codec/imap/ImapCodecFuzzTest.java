package org.postern.codec.imap;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Jazzer fuzz targets for the IMAP codec. In the normal build they run in regression mode over
 * the seed corpus in {@code src/test/resources/org/postern/codec/imap/ImapCodecFuzzTestInputs/<method>/}
 * (no network, no fuzzing engine); {@code JAZZER_FUZZ=1 mvn test -Dtest=ImapCodecFuzzTest}
 * fuzzes (unguided on JDK 25, see codec/pom.xml). The assertions live in
 * {@link ImapCodecInvariants}, shared with {@link ImapCodecPropertyTest}.
 */
class ImapCodecFuzzTest {

    /** Any command bytes: no exception, deterministic, refusals are generic, accepted commands in bounds. */
    @FuzzTest(maxDuration = "30s")
    void commandParserAcceptsOnlyWhatTheGrammarAllows(byte[] command) {
        ImapCodecInvariants.checkParser(command);
    }

    /**
     * Any byte stream, split as the first byte says, with a session policy from the second: the
     * reader keeps its bounds, always makes progress, and agrees with the line-by-line reference
     * when there are no literals.
     */
    @FuzzTest(maxDuration = "30s")
    void commandReaderStaysInStep(byte[] input) {
        if (input.length < 2) {
            return;
        }
        ImapCodecInvariants.checkReader(Arrays.copyOfRange(input, 2, input.length), input[0] & 0x0f, input[1] & 0xff);
    }

    /** Any bytes as a mailbox name: only canonical modified UTF-7 decodes, and everything round-trips. */
    @FuzzTest(maxDuration = "30s")
    void mailboxNamesDecodeStrictlyAndRoundTrip(byte[] wire) {
        ImapCodecInvariants.checkMailboxName(wire);
    }

    /** A pattern and a name, separated by the first NUL: the automaton agrees with backtracking. */
    @FuzzTest(maxDuration = "30s")
    void listPatternsMatchAsTheRfcSays(byte[] input) {
        String s = new String(input, StandardCharsets.ISO_8859_1);
        int nul = s.indexOf('\0');
        if (nul < 0) {
            return;
        }
        ImapCodecInvariants.checkListPattern(s.substring(0, nul), s.substring(nul + 1).replace('\0', '/'));
    }

    /** Any string in a response reaches the client intact and never ends the response early. */
    @FuzzTest(maxDuration = "30s")
    void responseValuesKeepTheFraming(byte[] raw) {
        ImapCodecInvariants.checkResponseString(raw, false);
        ImapCodecInvariants.checkResponseString(raw, true);
    }
}
