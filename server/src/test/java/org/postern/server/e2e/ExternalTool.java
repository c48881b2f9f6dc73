package org.postern.server.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a real client program (Debian's python3, swaks) to completion, as a remote MTA would run. */
final class ExternalTool {
    /** Debian's interpreter: another python3 first on PATH may lack dkimpy. */
    static final String PYTHON = "/usr/bin/python3";

    private ExternalTool() {}

    static Launcher.Result run(Duration timeout, byte[] stdin, List<String> command) {
        try {
            Process p = new ProcessBuilder(command).start();
            CompletableFuture<byte[]> out = Launcher.drain(p.getInputStream());
            CompletableFuture<byte[]> err = Launcher.drain(p.getErrorStream());
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command.getFirst() + " did not finish in " + timeout);
            }
            return new Launcher.Result(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.getFirst() + " (is its Debian package installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
