package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.server.e2e.Launcher.Result;

/**
 * The audit log's chain catches someone who edits the database directly: an edited entry, a
 * deleted one, one moved to another place; and it records the operator's acts.
 */
class AuditLogE2ETest {
    @TempDir
    Path tmp;

    Launcher postern;

    @BeforeEach
    void setUp() {
        postern = new Launcher(tmp.resolve("data"));
        IdentityE2ETest.ok(postern.run("domain", "add", "example.org"));
        IdentityE2ETest.ok(postern.runWithInput("a long passphrase here\n".getBytes(StandardCharsets.UTF_8),
                "user", "add", "alice@example.org", "--password-stdin"));
        IdentityE2ETest.ok(postern.run("address", "add", "alice@example.org", "shop@example.org", "--note", "shop"));
        IdentityE2ETest.ok(postern.run("address", "revoke", "shop@example.org"));
        IdentityE2ETest.ok(postern.run("user", "disable", "alice@example.org"));
        Result role = postern.run("user", "role", "alice@example.org", "tenant-admin");
        IdentityE2ETest.ok(role);
        assertThat(role.out()).contains("is now tenant-admin");
    }

    private void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("data/postern.db"));
                Statement s = c.createStatement()) {
            s.executeUpdate(statement);
        }
    }

    @Test
    void operatorActsAreRecordedAndTheChainVerifies() {
        Result list = postern.run("audit-log", "list", "--user", "alice@example.org");
        assertThat(list.out()).contains("operator\tuser.create").contains("address.create").contains("address.revoke")
                .contains("user.disable").contains("user.role").doesNotContain("a long passphrase").doesNotContain("\tshop\t");
        Result verify = postern.run("audit-log", "verify");
        IdentityE2ETest.ok(verify);
        assertThat(verify.out()).contains("intact");
    }

    @Test
    void anEditedEntryIsFound() throws Exception {
        sql("UPDATE audit_log SET outcome = 'failure' WHERE seq = 3");
        Result verify = postern.run("audit-log", "verify");
        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(1);
        assertThat(verify.err()).contains("entry 3").doesNotContain("Exception");
    }

    @Test
    void aDeletedEntryIsFound() throws Exception {
        sql("DELETE FROM audit_log WHERE seq = 2");
        Result verify = postern.run("audit-log", "verify");
        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(1);
        assertThat(verify.err()).contains("entry 3");
    }

    @Test
    void aRewrittenChainWithoutTheKeyIsFound() throws Exception {
        // Someone with the database but not the sealed key swaps two entries' contents.
        sql("UPDATE audit_log SET action = CASE seq WHEN 2 THEN (SELECT action FROM audit_log WHERE seq = 4)"
                + " WHEN 4 THEN (SELECT action FROM audit_log WHERE seq = 2) END WHERE seq IN (2, 4)");
        Result verify = postern.run("audit-log", "verify");
        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(1);
        assertThat(verify.err()).contains("entry 2");
    }
}
