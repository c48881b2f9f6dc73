package org.postern.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** {@code ./postern serve} in a child process, with its ports read from ports.json. */
public final class RunningServer implements AutoCloseable {
    private final Launcher launcher;
    private final Process process;
    private final Path log;
    private JsonNode ports;

    private RunningServer(Launcher launcher, Process process, Path log) {
        this.launcher = launcher;
        this.process = process;
        this.log = log;
    }

    /** The host name the SMTP tests' MX answers to (its DNS zone and Authentication-Results use it). */
    public static final String MX_HOSTNAME = "mx.test.example";

    /** Starts the server as mail.test.example with every listener on a free port and waits for ports.json. */
    public static RunningServer start(Launcher launcher) throws IOException {
        return start(launcher, "mail.test.example");
    }

    /** Starts the server bound to 127.0.0.1 with every listener on a free port and waits for ports.json. */
    public static RunningServer start(Launcher launcher, String hostname) throws IOException {
        for (String name : new String[] {"SMTP", "SUBMISSION", "SUBMISSIONS", "IMAP", "IMAPS", "HTTP"}) {
            launcher.env("POSTERN_" + name + "_PORT", "0");
        }
        launcher.env("POSTERN_BIND", "127.0.0.1");
        launcher.env("POSTERN_HOSTNAME", hostname);
        if (!launcher.hasEnv("POSTERN_DNS_SERVERS")) {
            // Tests never query the machine's own resolver: without a test DNS server, every lookup times out on loopback.
            launcher.env("POSTERN_DNS_SERVERS", org.postern.mta.checks.LoopbackDns.deadServerSpec());
        }
        Path portsFile = launcher.dataDir().resolve("ports.json");
        // A server that was killed could not remove its ports.json: never read a dead server's ports.
        Files.deleteIfExists(portsFile);
        Path log = Files.createTempFile(launcher.dataDir().toAbsolutePath().getParent(), "serve-", ".log");
        RunningServer s = new RunningServer(launcher, launcher.startLogging(log, "serve"), log);
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
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

    public int smtpPort() {
        return port("smtp");
    }

    /** SIGKILL: no shutdown hook, no flush, no clean close. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the server survived SIGKILL");
        }
    }

    /** Stops with SIGTERM and returns everything the server printed. */
    public String stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return output();
    }

    /** Everything the server printed so far (standard output and error together). */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
        launcher.addToTranscript(output());
    }
}
