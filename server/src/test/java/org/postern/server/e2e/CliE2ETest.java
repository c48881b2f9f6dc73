package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.server.e2e.Launcher.Result;

/** The admin CLI through the real launcher: verbs, outputs and exit codes are an interface. */
class CliE2ETest {
    static final byte[] PASSWORD = "correct horse battery staple\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    Launcher postern;

    @BeforeEach
    void setUp() {
        postern = new Launcher(tmp.resolve("data"));
    }

    static void ok(Result r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    static void failsWith(Result r, int code, String reason) {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(code);
        assertThat(r.err()).as(r.toString()).contains(reason);
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void tenantsDomainsUsersAndAddressesCanBeManaged() {
        ok(postern.run("tenant", "add", "acme"));
        ok(postern.run("domain", "add", "example.org"));
        ok(postern.run("domain", "add", "acme.example", "--tenant", "acme"));
        assertThat(postern.run("tenant", "list").out()).contains("acme").contains("default");
        assertThat(postern.run("domain", "list").out()).contains("example.org\tdefault").contains("acme.example\tacme");

        ok(postern.runWithInput(PASSWORD, "user", "add", "alice@example.org", "--password-stdin"));
        ok(postern.runWithInput(PASSWORD, "user", "add", "root@example.org", "--admin", "--password-stdin"));
        assertThat(postern.run("user", "list").out())
                .contains("alice@example.org\tuser\tactive").contains("root@example.org\tserver-admin\tactive");

        ok(postern.run("address", "add", "alice@example.org", "shop-x@example.org", "--note", "given to shop X"));
        Result list = postern.run("address", "list", "--owner", "alice@example.org");
        assertThat(list.out()).contains("shop-x@example.org\talice@example.org\tactive").contains("given to shop X");
        ok(postern.run("address", "revoke", "shop-x@example.org"));
        assertThat(postern.run("address", "list", "--json").out())
                .contains("\"address\":\"shop-x@example.org\"").contains("\"state\":\"revoked\"");
        failsWith(postern.run("address", "add", "alice@example.org", "shop-x@example.org"), 1, "already");

        ok(postern.run("user", "disable", "alice@example.org"));
        assertThat(postern.run("user", "list").out()).contains("alice@example.org\tuser\tdisabled");
        failsWith(postern.run("domain", "remove", "example.org"), 1, "active");
        ok(postern.run("domain", "remove", "acme.example"));
        assertThat(postern.run("domain", "list").out()).doesNotContain("acme.example");
    }

    @Test
    void theOperatorRequiresMfaOfOneUserAndTheListShowsIt() {
        ok(postern.run("domain", "add", "example.org"));
        ok(postern.runWithInput(PASSWORD, "user", "add", "alice@example.org", "--password-stdin"));
        ok(postern.runWithInput(PASSWORD, "user", "add", "bob@example.org", "--password-stdin"));
        assertThat(postern.run("user", "list").out()).containsPattern("alice@example\\.org\\tuser\\tactive\\t[0-9a-f-]+\\toff");

        Result on = postern.run("user", "require-mfa", "alice@example.org", "on");
        ok(on);
        assertThat(on.out()).contains("user alice@example.org: require_mfa=on");
        assertThat(postern.run("user", "list").out())
                .containsPattern("alice@example\\.org\\tuser\\tactive\\t[0-9a-f-]+\\ton")
                .containsPattern("bob@example\\.org\\tuser\\tactive\\t[0-9a-f-]+\\toff");
        assertThat(postern.run("user", "list", "--json").out()).contains("\"require_mfa\":\"on\"");
        Result audit = postern.run("audit-log", "list");
        ok(audit);
        assertThat(audit.out()).contains("user.require_mfa").contains("operator");

        failsWith(postern.run("user", "require-mfa", "alice@example.org", "maybe"), 2, "maybe");
        failsWith(postern.run("user", "require-mfa", "nobody@example.org", "on"), 1, "no such user");
        Result off = postern.run("user", "require-mfa", "alice@example.org", "off");
        ok(off);
        assertThat(off.out()).contains("require_mfa=off");
        assertThat(postern.run("user", "list").out()).containsPattern("alice@example\\.org\\tuser\\tactive\\t[0-9a-f-]+\\toff");
        ok(postern.run("audit-log", "verify"));
    }

    @Test
    void usageErrorsExitTwoAndFailuresExitOneWithAOneLineReason() {
        failsWith(postern.run("frobnicate"), 2, "frobnicate");
        failsWith(postern.run("user", "add", "not-an-address", "--password-stdin"), 2, "local@domain");
        failsWith(postern.run("user", "add", "a@example.org"), 2, "--password-stdin");
        failsWith(postern.run("domain", "add", "bad_domain"), 2, "domain");
        failsWith(postern.runWithInput(PASSWORD, "user", "add", "bob@unhosted.example", "--password-stdin"), 1,
                "not hosted");
        ok(postern.run("domain", "add", "example.org"));
        failsWith(postern.run("domain", "add", "example.org"), 1, "already");
        failsWith(postern.runWithInput("short\n".getBytes(StandardCharsets.UTF_8), "user", "add", "bob@example.org",
                "--password-stdin"), 1, "at least 12");
        failsWith(postern.run("address", "revoke", "nobody@example.org"), 1, "no such address");
        failsWith(postern.run("tenant", "add", "bad\tname"), 1, "tenant name");
        Result r = postern.run("domain", "add", "example.org");
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
    }

    @Test
    void importedMailSurvivesKeyRotationAndVerifies() throws Exception {
        ok(postern.run("domain", "add", "example.org"));
        ok(postern.runWithInput(PASSWORD, "user", "add", "alice@example.org", "--password-stdin"));
        for (int i = 0; i < 3; i++) {
            byte[] msg = ("From: x@sender.example\r\nSubject: message " + i + "\r\n\r\nbody " + i + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            Result r = postern.runWithInput(msg, "mail", "import", "alice@example.org");
            ok(r);
            assertThat(r.out()).contains("as UID " + (i + 1) + " in INBOX");
        }
        String before = Files.readString(postern.dataDir().resolve("keys/master.keys"));
        Result rotate = postern.run("keys", "rotate");
        ok(rotate);
        assertThat(rotate.out()).contains("1 data keys rewrapped").contains("1 old keys removed");
        String after = Files.readString(postern.dataDir().resolve("keys/master.keys"));
        assertThat(after).isNotEqualTo(before);
        String oldKeyId = before.lines().skip(1).findFirst().orElseThrow().split(" ")[0];
        assertThat(after).doesNotContain(oldKeyId);
        Result status = postern.run("keys", "status");
        assertThat(status.out().strip().lines().filter(l -> l.startsWith("mk-"))).singleElement().asString()
                .contains("active\t1 data keys");

        Result verify = postern.run("store", "verify");
        ok(verify);
        assertThat(verify.out()).contains("verified 3 messages of 1 users: 0 failed");

        assertThat(Files.getPosixFilePermissions(postern.dataDir().resolve("keys/master.keys")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void verifyFailsLoudlyWhenABlobWasTamperedWith() throws Exception {
        ok(postern.run("domain", "add", "example.org"));
        ok(postern.runWithInput(PASSWORD, "user", "add", "alice@example.org", "--password-stdin"));
        ok(postern.runWithInput("Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII), "mail", "import",
                "alice@example.org"));
        Path blob;
        try (var files = Files.walk(postern.dataDir().resolve("blobs"))) {
            blob = files.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(blob);
        bytes[bytes.length - 5] ^= 0x40;
        Files.write(blob, bytes);
        Result verify = postern.run("store", "verify");
        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.out()).contains("FAILED message").contains("1 failed");
        assertThat(verify.err()).contains("failed verification");
    }

    @Test
    void importIntoAnUnknownUserOrMailboxFails() {
        ok(postern.run("domain", "add", "example.org"));
        ok(postern.runWithInput(PASSWORD, "user", "add", "alice@example.org", "--password-stdin"));
        failsWith(postern.runWithInput("Subject: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII), "mail", "import",
                "bob@example.org"), 1, "no such user");
        failsWith(postern.runWithInput("Subject: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII), "mail", "import",
                "alice@example.org", "--mailbox", "Nope"), 1, "no such mailbox");
    }

    @Test
    void dataDirectoriesAreCreatedPrivate() throws Exception {
        ok(postern.run("tenant", "list"));
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(postern.dataDir());
        assertThat(perms).doesNotContain(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.OTHERS_EXECUTE);
        assertThat(postern.dataDir().resolve("keys/token-signing.sealed")).exists();
        assertThat(Files.readAllBytes(postern.dataDir().resolve("keys/token-signing.sealed")))
                .asString(StandardCharsets.ISO_8859_1).doesNotContain("PRIVATE KEY");
    }
}
