package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.CliE2ETest.failsWith;
import static org.postern.server.e2e.CliE2ETest.ok;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad configuration and weak secrets stop Postern before it does anything, naming the problem. */
class StartupRefusalE2ETest {
    @TempDir
    Path tmp;

    Launcher postern() {
        return new Launcher(tmp.resolve("data"));
    }

    @Test
    void anUnknownKeyInTheConfigFileIsNamed() throws Exception {
        Launcher p = postern();
        Files.createDirectories(p.dataDir());
        Files.writeString(p.dataDir().resolve("postern.conf"), "http_port = 8443\nsmtp_prot = 25\n");
        Launcher.Result r = p.run("serve");
        failsWith(r, 1, "smtp_prot");
    }

    @Test
    void aBadValueIsNamedWithItsKey() {
        failsWith(postern().env("POSTERN_HTTP_PORT", "eighty").run("serve"), 1, "http_port");
        failsWith(postern().env("POSTERN_HTTP_PORT", "70000").run("tenant", "list"), 1, "http_port");
    }

    @Test
    void anUnknownPosternVariableIsRefused() {
        failsWith(postern().env("POSTERN_SMTP_PROT", "25").run("serve"), 1, "POSTERN_SMTP_PROT");
    }

    @Test
    void anUnreadableConfigFileIsRefused() {
        failsWith(postern().run("--config", tmp.resolve("missing.conf").toString(), "serve"), 1, "missing.conf");
    }

    @Test
    void aWellKnownDatabasePasswordIsRefusedWithoutEchoingIt() {
        Launcher.Result r = postern().env("POSTERN_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postern")
                .env("POSTERN_DB_PASSWORD", "changeme").run("serve");
        failsWith(r, 1, "db_password");
        assertThat(r.err()).doesNotContain("changeme");
    }

    @Test
    void aMasterKeyFileReadableByOthersIsRefused() throws Exception {
        Launcher p = postern();
        ok(p.run("tenant", "list"));
        Path keys = p.dataDir().resolve("keys/master.keys");
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-r--r--"));
        failsWith(p.run("serve"), 1, "master.keys");
        failsWith(p.run("tenant", "list"), 1, "chmod 600");
    }

    @Test
    void aWeakMasterKeyIsRefused() throws Exception {
        Launcher p = postern();
        ok(p.run("tenant", "list"));
        Path keys = p.dataDir().resolve("keys/master.keys");
        String header = Files.readAllLines(keys).get(0);
        String weak = Base64.getEncoder().encodeToString(new byte[32]);
        Files.writeString(keys, header + "\nmk-0000000000000000 active " + weak + "\n");
        failsWith(p.run("serve"), 1, "master.keys");
    }

    @Test
    void aDataKeyWrappedUnderAMissingMasterKeyIsAClearFailure() throws Exception {
        Launcher p = postern();
        ok(p.run("domain", "add", "example.org"));
        ok(p.runWithInput(CliE2ETest.PASSWORD, "user", "add", "alice@example.org", "--password-stdin"));
        ok(p.runWithInput("Subject: x\r\n\r\ny\r\n".getBytes(), "mail", "import", "alice@example.org"));
        // Replace the ring with a fresh one: the stored data key's master key is gone.
        Files.delete(p.dataDir().resolve("keys/master.keys"));
        // The keys sealed under the lost ring go too (they would be regenerated under the new one).
        try (var sealed = Files.newDirectoryStream(p.dataDir().resolve("keys"), "*.sealed")) {
            for (java.nio.file.Path f : sealed) {
                Files.delete(f);
            }
        }
        Launcher.Result r = p.run("store", "verify");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("FAILED message");
    }
}
