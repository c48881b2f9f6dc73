package org.postern.codec.smtp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Jazzer fuzz targets. In the normal build they run in regression mode over the seed corpus in
 * {@code src/test/resources/org/postern/codec/smtp/SmtpCodecFuzzTestInputs/<method>/} (no
 * network, no fuzzing engine); {@code JAZZER_FUZZ=1 mvn test -Dtest=SmtpCodecFuzzTest} fuzzes.
 * The assertions live in {@link CodecInvariants}, shared with {@link SmtpCodecPropertyTest}.
 */
class SmtpCodecFuzzTest {

    /** Any line: no exception, refusals use the documented codes, accepted commands are in bounds. */
    @FuzzTest(maxDuration = "30s")
    void commandParserAcceptsOnlyWhatTheGrammarAllows(byte[] line) {
        CodecInvariants.checkParser(line);
    }

    /**
     * Any DATA section, split as the first byte says: the reader agrees with the RFC reference
     * (never an early end, bare CR/LF always caught), writes at most the limit, and leaves what
     * follows the end for the next command.
     */
    @FuzzTest(maxDuration = "30s")
    void dataReaderEndsOnlyAtCrlfDotCrlf(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int chunk = input[0] & 0x0f;
        byte[] wire = Arrays.copyOfRange(input, 1, input.length);
        CodecInvariants.checkDataReader(wire, chunk, 64);
        CodecInvariants.checkDataReader(wire, chunk, 1L << 30);
    }

    /** Any byte stream: lines come out as splitting on LF says, bounded, and each parses safely. */
    @FuzzTest(maxDuration = "30s")
    void lineReaderSplitsOnlyAtLf(byte[] input) {
        if (input.length == 0) {
            return;
        }
        CodecInvariants.checkLineReader(Arrays.copyOfRange(input, 1, input.length), input[0] & 0x0f);
    }
}
