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

/** {@code ./postern serve} in a child process, with its ports read from ports.json. */
public final class RunningServer implements AutoCloseable {
    private final Launcher launcher;
    private final Process process;
    private final CompletableFuture<byte[]> out;
    private final CompletableFuture<byte[]> err;
    private JsonNode ports;

    private RunningServer(Launcher launcher, Process process) {
        this.launcher = launcher;
        this.process = process;
        this.out = Launcher.drain(process.getInputStream());
        this.err = Launcher.drain(process.getErrorStream());
    }

    /** Starts the server with every listener on a free port and waits for ports.json. */
    public static RunningServer start(Launcher launcher) throws IOException {
        for (String name : new String[] {"SMTP", "SUBMISSION", "SUBMISSIONS", "IMAP", "IMAPS", "HTTP"}) {
            launcher.env("POSTERN_" + name + "_PORT", "0");
        }
        launcher.env("POSTERN_BIND", "127.0.0.1");
        launcher.env("POSTERN_HOSTNAME", "mail.test.example");
        RunningServer s = new RunningServer(launcher, launcher.start("serve"));
        Path portsFile = launcher.dataDir().resolve("ports.json");
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!s.process.isAlive()) {
                throw new AssertionError("server exited with " + s.process.exitValue() + ":\n" + s.output());
            }
            return Files.exists(portsFile);
        });
        s.ports = new ObjectMapper().readTree(Files.readAllBytes(portsFile));
        return s;
    }

    public int port(String listener) {
        JsonNode n = ports.get(listener);
        if (n == null) {
            throw new AssertionError("no " + listener + " listener in ports.json: " + ports);
        }
        return n.asInt();
    }

    public JsonNode ports() {
        return ports;
    }

    public Process process() {
        return process;
    }

    /** Stops with SIGTERM and returns everything the server printed. */
    public String stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return output();
    }

    /** Everything printed so far; complete once the process has exited. */
    public String output() {
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
