package org.postern.server.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Drives the real {@code ./postern} launcher in a child process, as an operator's script would.
 * Every call's output is also kept in {@link #transcript}, so tests can scan all logs.
 */
public final class Launcher {
    public static final Path REPO = findRepo();

    private final Path dataDir;
    private final Map<String, String> env = new HashMap<>();
    private final StringBuilder transcript = new StringBuilder();

    public Launcher(Path dataDir) {
        this.dataDir = dataDir;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Whether a variable has been set for the child processes. */
    public boolean hasEnv(String name) {
        return env.containsKey(name);
    }

    public Launcher env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** A finished command. */
    public record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    public Result run(String... args) {
        return runWithInput(null, args);
    }

    public Result runWithInput(byte[] stdin, String... args) {
        try {
            Process p = start(args);
            CompletableFuture<byte[]> out = drain(p.getInputStream());
            CompletableFuture<byte[]> err = drain(p.getErrorStream());
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("postern " + String.join(" ", args) + " did not finish in 120 s");
            }
            Result r = new Result(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8));
            synchronized (transcript) {
                transcript.append(r.out()).append(r.err());
            }
            return r;
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Starts {@code ./postern args} with standard output and error going to {@code log} (a file
     * survives the process, unlike a pipe, whose last bytes can be lost as the process exits).
     */
    public Process startLogging(Path log, String... args) throws IOException {
        return builder(args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Starts {@code ./postern args} with the data dir set; the caller owns the process. */
    public Process start(String... args) throws IOException {
        return builder(args).start();
    }

    private ProcessBuilder builder(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(REPO.resolve("postern").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dataDir.getParent().toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("POSTERN_"));
        pb.environment().put("POSTERN_DATA_DIR", dataDir.toString());
        pb.environment().putAll(env);
        return pb;
    }

    public void addToTranscript(String text) {
        synchronized (transcript) {
            transcript.append(text);
        }
    }

    public String transcript() {
        synchronized (transcript) {
            return transcript.toString();
        }
    }

    static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return in.readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        }, Thread::startVirtualThread);
    }

    private static Path findRepo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("postern"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the ./postern launcher above " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
