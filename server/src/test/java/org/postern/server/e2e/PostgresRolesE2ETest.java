package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.CliE2ETest.failsWith;
import static org.postern.server.e2e.CliE2ETest.ok;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Postern on PostgreSQL runs only as a role that row-level security binds: a superuser, or a role
 * that owns the tables, is refused at start with the fix named; the two-role setup of the README
 * starts, and leaves the runtime role owning nothing.
 */
class PostgresRolesE2ETest {
    @TempDir
    Path tmp;

    @Test
    void aSuperuserAsTheRuntimeRoleIsRefusedNamingTheFix() throws Exception {
        try (PostgresDatabase db = new PostgresDatabase()) {
            Launcher postern = db.configure(new Launcher(tmp.resolve("data"))).env("POSTERN_DB_USER", db.user())
                    .env("POSTERN_DB_PASSWORD", "Sup-" + "9f3c1e7a5b2d4c6e8a0b");
            Launcher.Result serve = postern.run("serve");
            failsWith(serve, 1, "is a superuser");
            assertThat(serve.err()).contains("refusing to start").contains("db_user").contains("db_migration_user");
            failsWith(postern.run("tenant", "list"), 1, "is a superuser");
        }
    }

    @Test
    void oneRoleForMigrationsAndRequestsIsRefusedBecauseItOwnsTheTables() throws Exception {
        try (PostgresDatabase db = new PostgresDatabase()) {
            Launcher postern = new Launcher(tmp.resolve("data")).env("POSTERN_DB_URL", db.jdbcUrl())
                    .env("POSTERN_DB_USER", db.ownerUser());
            Launcher.Result serve = postern.run("serve");
            failsWith(serve, 1, "owns");
            assertThat(serve.err()).contains("db_migration_user");
        }
    }

    @Test
    void theTwoRoleSetupStartsAndTheRuntimeRoleOwnsNothingAndMayOnlyReadAndWrite() throws Exception {
        try (PostgresDatabase db = new PostgresDatabase()) {
            Launcher postern = db.configure(new Launcher(tmp.resolve("data")));
            ok(postern.run("domain", "add", "example.org"));
            try (RunningServer server = RunningServer.start(postern)) {
                assertThat(server.port("http")).isPositive();
                ok(postern.run("domain", "list"));
            }
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), null);
                    Statement s = c.createStatement()) {
                Set<String> owners = new HashSet<>();
                try (ResultSet rs = s.executeQuery("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")) {
                    while (rs.next()) {
                        owners.add(rs.getString(1));
                    }
                }
                assertThat(owners).containsExactly(db.ownerUser());
                Set<String> privileges = new HashSet<>();
                try (ResultSet rs = s.executeQuery("SELECT DISTINCT privilege_type FROM information_schema.table_privileges"
                        + " WHERE grantee = '" + db.runtimeUser() + "'")) {
                    while (rs.next()) {
                        privileges.add(rs.getString(1));
                    }
                }
                assertThat(privileges).containsExactlyInAnyOrder("SELECT", "INSERT", "UPDATE", "DELETE");
            }
        }
    }
}
