package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.server.e2e.ApiClient.Response;

/**
 * Two Postern nodes on one PostgreSQL database, with the same keys: a token issued by one works on
 * the other, and a revocation or password change made on one is enforced on the other within
 * {@code session_status_max_age} (here 5 s; at most 60 s by configuration).
 */
class IdentityMultiNodeE2ETest {
    static final String PASSWORD = "alice's long passphrase 42";
    static final Duration MAX_AGE = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    @Test
    void revocationOnOneNodeIsEnforcedOnTheOtherWithinTheBound() throws Exception {
        try (PostgresDatabase db = new PostgresDatabase()) {
            Launcher a = node("a", db);
            IdentityE2ETest.ok(a.run("domain", "add", "example.org"));
            IdentityE2ETest.ok(a.runWithInput((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8), "user", "add",
                    "alice@example.org", "--password-stdin"));
            // The second node shares the deployment's keys, as an operator would copy them (or restore a backup).
            Launcher b = node("b", db);
            copyDirectory(a.dataDir().resolve("keys"), b.dataDir().resolve("keys"));
            try (RunningServer nodeA = RunningServer.start(a); RunningServer nodeB = RunningServer.start(b)) {
                ApiClient onA = new ApiClient(nodeA.port("http"));
                ApiClient onB = new ApiClient(nodeB.port("http"));

                Response signIn = onA.post("/api/v1/auth/sign-in", null, Map.of("login", "alice@example.org", "password", PASSWORD));
                assertThat(signIn.status()).as(signIn.toString()).isEqualTo(200);
                String token = signIn.text("access_token");
                assertThat(onB.get("/api/v1/me", token).status()).as("node B trusts node A's token").isEqualTo(200);

                long ended = System.nanoTime();
                assertThat(onA.post("/api/v1/auth/sign-out", token, null).status()).isEqualTo(204);
                assertThat(onA.get("/api/v1/me", token).status()).as("at once on the node that revoked").isEqualTo(401);
                Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                        .until(() -> onB.get("/api/v1/me", token).status() == 401);
                Duration took = Duration.ofNanos(System.nanoTime() - ended);
                assertThat(took).as("refused on node B within the configured bound").isLessThan(MAX_AGE.plusSeconds(3));

                // A password change on B ends a session that A has cached as live.
                Response again = onA.post("/api/v1/auth/sign-in", null, Map.of("login", "alice@example.org", "password", PASSWORD));
                String second = again.text("access_token");
                assertThat(onA.get("/api/v1/me", second).status()).isEqualTo(200);
                Response changed = onB.post("/api/v1/auth/password", second,
                        Map.of("current_password", PASSWORD, "new_password", "another long passphrase"));
                assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
                Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                        .until(() -> onA.get("/api/v1/me", second).status() == 401);
                IdentityE2ETest.ok(a.run("audit-log", "verify"));
            }
        }
    }

    private Launcher node(String name, PostgresDatabase db) throws java.io.IOException {
        Files.createDirectories(tmp.resolve(name));
        return db.configure(new Launcher(tmp.resolve(name).resolve("data")))
                .env("POSTERN_SESSION_STATUS_MAX_AGE", MAX_AGE.toSeconds() + "s");
    }

    static void copyDirectory(Path from, Path to) throws Exception {
        org.postern.crypto.OwnerOnlyFiles.createPrivateDirectory(to.getParent());
        org.postern.crypto.OwnerOnlyFiles.createPrivateDirectory(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f) && !f.getFileName().toString().endsWith(".lock")) {
                    Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
