package org.postern.mta.checks;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * One long-lived Debian python3 running a script that reads a request per line (fields as
 * {@code b:<base64>}, the prefix keeping empty fields) and writes one answer per line: base64
 * bytes, or {@code ERR}. Importing dkimpy takes most of a second, so the tests' signers keep one.
 */
final class PythonWorker {
    private final String script;
    private Process process;
    private BufferedWriter requests;
    private BufferedReader answers;

    PythonWorker(String script) {
        this.script = script;
    }

    /** The decoded answer to one request, or null when the script answered ERR. */
    synchronized byte[] call(List<byte[]> fields) throws IOException {
        if (process == null || !process.isAlive()) {
            process = new ProcessBuilder(List.of(PythonDkim.PYTHON, "-c", script))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            requests = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII));
            answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        }
        StringBuilder line = new StringBuilder();
        for (byte[] f : fields) {
            line.append(" b:").append(Base64.getEncoder().encodeToString(f));
        }
        requests.write(line.toString().strip());
        requests.newLine();
        requests.flush();
        String answer = answers.readLine();
        return answer == null || answer.equals("ERR") ? null : Base64.getDecoder().decode(answer);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
