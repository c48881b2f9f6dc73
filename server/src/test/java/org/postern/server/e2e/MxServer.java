package org.postern.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * {@code ./postern serve} as the MX under test: host name {@value #HOSTNAME}, bound to 127.0.0.1
 * with every port free, and its SMTP port read from ports.json. Like {@link RunningServer}, plus
 * the host name the SMTP tests need and a way to crash the server.
 */
final class MxServer implements AutoCloseable {
    static final String HOSTNAME = "mx.test.example";

    private final Launcher launcher;
    private final Process process;
    private final CompletableFuture<byte[]> out;
    private final CompletableFuture<byte[]> err;
    private int smtpPort;

    private MxServer(Launcher launcher, Process process) {
        this.launcher = launcher;
        this.process = process;
        this.out = Launcher.drain(process.getInputStream());
        this.err = Launcher.drain(process.getErrorStream());
    }

    /** Starts the server with the launcher's environment and waits until it has written ports.json. */
    static MxServer start(Launcher launcher) throws IOException {
        for (String name : new String[] {"SMTP", "SUBMISSION", "SUBMISSIONS", "IMAP", "IMAPS", "HTTP"}) {
            launcher.env("POSTERN_" + name + "_PORT", "0");
        }
        launcher.env("POSTERN_BIND", "127.0.0.1").env("POSTERN_HOSTNAME", HOSTNAME);
        Path portsFile = launcher.dataDir().resolve("ports.json");
        // A server that was killed could not remove its ports.json: never read a dead server's ports.
        Files.deleteIfExists(portsFile);
        MxServer s = new MxServer(launcher, launcher.start("serve"));
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!s.process.isAlive()) {
                throw new AssertionError("server exited with " + s.process.exitValue() + ":\n" + s.output());
            }
            return Files.exists(portsFile);
        });
        JsonNode ports = new ObjectMapper().readTree(Files.readAllBytes(portsFile));
        s.smtpPort = ports.path("smtp").asInt(-1);
        if (s.smtpPort <= 0) {
            throw new AssertionError("no smtp listener in ports.json: " + ports);
        }
        return s;
    }

    int smtpPort() {
        return smtpPort;
    }

    Process process() {
        return process;
    }

    /** SIGKILL: no shutdown hook, no flush, no clean close. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the server survived SIGKILL");
        }
    }

    /** Stops with SIGTERM and returns everything the server printed. */
    String stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return output();
    }

    /** Everything printed so far; complete once the process has exited. */
    String output() {
        if (!process.isAlive()) {
            try {
                CompletableFuture.allOf(out, err).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Output streams still open after exit: report what there is.
            }
        }
        return (out.isDone() ? new String(out.join(), StandardCharsets.UTF_8) : "")
                + (err.isDone() ? new String(err.join(), StandardCharsets.UTF_8) : "");
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
        launcher.addToTranscript(output());
    }
}
