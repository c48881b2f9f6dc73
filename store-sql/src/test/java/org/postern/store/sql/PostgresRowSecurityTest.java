package org.postern.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.postern.store.MetadataStoreContract.bytes;
import static org.postern.store.MetadataStoreContract.server;
import static org.postern.store.MetadataStoreContract.tenantScope;
import static org.postern.store.MetadataStoreContract.uniqueAddress;
import static org.postern.store.MetadataStoreContract.uniqueDomain;
import static org.postern.store.MetadataStoreContract.userScope;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.model.BlobId;
import org.postern.model.DomainName;
import org.postern.model.EmailAddress;
import org.postern.model.Role;
import org.postern.model.TenantId;
import org.postern.model.UnavailableException;
import org.postern.store.TenantLimits;
import org.postern.store.DkimAlgorithm;
import org.postern.store.DkimKey;
import org.postern.store.DkimKeyState;
import org.postern.store.IdentityStoreContract;
import org.postern.store.MetadataStore;
import org.postern.store.MetadataStoreContract;
import org.postern.store.Repositories;
import org.postern.store.Tenant;
import org.postern.store.User;
import org.postern.store.WrappedDataKey;
import org.postern.store.identity.AccountSecurity;
import org.postern.store.identity.AuthSession;
import org.postern.store.identity.CodePurpose;
import org.postern.store.identity.CredentialKind;
import org.postern.store.identity.OutboxMessage;
import org.postern.store.identity.RiskMode;
import org.postern.store.identity.SignInRecord;
import org.postern.store.identity.TenantPolicy;
import org.postern.store.queue.QueuedMessage;
import org.postern.store.queue.QueuedRecipient;

/**
 * Row-level security on PostgreSQL, the second line of tenant isolation: what the database itself
 * allows Postern's runtime role, whatever SQL it runs. Two tenants get a row in every tenant-owned
 * table through the store; then plain SQL without any WHERE runs as the runtime role.
 */
class PostgresRowSecurityTest {
    /** Every table that holds tenants' rows today; a new one must be added here and to V8's list. */
    private static final Set<String> TENANT_TABLES = Set.of("tenants", "domains", "users", "addresses", "data_keys",
            "mailboxes", "messages", "auth_sessions", "refresh_tokens", "credentials", "totp_enrolments",
            "recovery_codes", "invites", "one_time_codes", "signin_history", "account_security", "tenant_policies",
            "audit_log", "outbox", "dkim_keys", "outbound_messages", "outbound_recipients", "tenant_limits");

    private static PostgresTestDatabase db;
    private static String tenantA;
    private static String tenantB;

    @BeforeAll
    static void populate() throws SQLException {
        db = new PostgresTestDatabase();
        try (SqlMetadataStore store = db.open()) {
            Fixtures f = new Fixtures(store);
            tenantA = f.tenantWithARowInEveryTable();
            tenantB = f.tenantWithARowInEveryTable();
        }
    }

    @AfterAll
    static void drop() throws SQLException {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void everyTableWithATenantColumnHasRowSecurityEnabledForcedAndAPolicy() throws SQLException {
        Map<String, boolean[]> tables = new LinkedHashMap<>();
        try (Connection c = db.connectAs(db.runtime, db.runtimePassword);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
                        + " EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid) FROM pg_class c"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
                        + " AND c.relkind IN ('r', 'p') AND (c.relname = 'tenants' OR EXISTS (SELECT 1 FROM pg_attribute a"
                        + " WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped))")) {
            while (rs.next()) {
                tables.put(rs.getString(1), new boolean[] {rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4)});
            }
        }
        assertThat(tables.keySet()).as("tables with a tenant_id column").containsExactlyInAnyOrderElementsOf(TENANT_TABLES);
        tables.forEach((table, flags) -> {
            assertThat(flags[0]).as(table + " has row-level security enabled").isTrue();
            assertThat(flags[1]).as(table + " has row-level security forced (binds its owner too)").isTrue();
            assertThat(flags[2]).as(table + " has a policy").isTrue();
        });
        try (Connection c = db.connectAs(db.runtime, db.runtimePassword)) {
            assertThat(PostgresRoles.tablesWithoutForcedRowSecurity(org.jdbi.v3.core.Jdbi.open(c))).isEmpty();
        }
    }

    @Test
    void setToOneTenantTheRuntimeRoleSeesOnlyThatTenantsRowsInEveryTable() throws SQLException {
        try (Connection c = runtime()) {
            setTenant(c, tenantA);
            for (String table : TENANT_TABLES) {
                assertThat(tenantsIn(c, table)).as("tenants whose rows SELECT * FROM " + table + " returns")
                        .containsExactly(tenantA);
            }
            setTenant(c, tenantB);
            for (String table : TENANT_TABLES) {
                assertThat(tenantsIn(c, table)).as("after switching, " + table).containsExactly(tenantB);
            }
            setTenant(c, Tx.ALL_TENANTS);
            for (String table : TENANT_TABLES) {
                assertThat(tenantsIn(c, table)).as("a server-wide scope sees both tenants in " + table)
                        .contains(tenantA, tenantB);
            }
            c.rollback();
        }
    }

    /**
     * The store's side: a repository statement that forgot its scope conditions still reaches only
     * the tenant of the scope it was given, because the transaction tells the database that tenant
     * first; and a unit of work may move between scopes.
     */
    @Test
    void aStatementWithoutScopeConditionsStillSeesOnlyItsScopesTenant() {
        TenantId a = TenantId.parse(tenantA);
        TenantId b = TenantId.parse(tenantB);
        try (SqlMetadataStore store = db.open()) {
            store.jdbiForTests().useTransaction(h -> {
                Unfiltered careless = new Unfiltered(new Tx(h, java.time.Clock.systemUTC(), new PostgresDialect()));
                assertThat(careless.tenantsOfAllMessages(tenantScope(a))).containsExactly(tenantA);
                assertThat(careless.tenantsOfAllMessages(server())).contains(tenantA, tenantB);
                assertThat(careless.tenantsOfAllMessages(tenantScope(b))).containsExactly(tenantB);
                assertThat(careless.tenantsOfAllMessages(tenantScope(a))).containsExactly(tenantA);
                assertThatThrownBy(() -> careless.moveAllDomainsTo(tenantScope(a), tenantB))
                        .as("a write into another tenant").isInstanceOf(org.postern.model.PosternException.class);
            });
        }
    }

    /** A repository as a careless change might write one: no ScopeFilter. */
    private static final class Unfiltered extends SqlRepository {
        Unfiltered(Tx tx) {
            super(tx);
        }

        Set<String> tenantsOfAllMessages(org.postern.access.Scope scope) {
            return new HashSet<>(sql(scope, h -> h.createQuery("SELECT tenant_id FROM messages").mapTo(String.class).list()));
        }

        int moveAllDomainsTo(org.postern.access.Scope scope, String tenant) {
            return sql(scope, h -> h.createUpdate("UPDATE domains SET tenant_id = :t").bind("t", tenant).execute());
        }
    }

    @Test
    void withoutATenantSettingTheRuntimeRoleSeesNoRowAtAll() throws SQLException {
        try (Connection c = runtime()) {
            for (String table : TENANT_TABLES) {
                assertThat(count(c, table)).as("never set: " + table).isZero();
            }
            // Set once and committed: the setting is now the empty string for this session.
            setTenant(c, tenantA);
            c.commit();
            for (String table : TENANT_TABLES) {
                assertThat(count(c, table)).as("after the transaction that set it: " + table).isZero();
            }
            setTenant(c, "");
            assertThat(count(c, "messages")).isZero();
            setTenant(c, UUID.randomUUID().toString());
            assertThat(count(c, "users")).isZero();
            c.rollback();
        }
    }

    @Test
    void rowsOfAnotherTenantCanBeNeitherWrittenNorChanged() throws SQLException {
        try (Connection c = runtime()) {
            setTenant(c, tenantA);
            assertRefused(c, "INSERT INTO domains (id, tenant_id, name, created_at) VALUES ('" + UUID.randomUUID()
                    + "', '" + tenantB + "', '" + uniqueDomain() + "', 0)", "row-level security");
            setTenant(c, tenantA);
            assertRefused(c, "INSERT INTO tenants (id, name, created_at) VALUES ('" + UUID.randomUUID() + "', 'x"
                    + UUID.randomUUID() + "', 0)", "row-level security");
            setTenant(c, tenantA);
            assertRefused(c, "UPDATE domains SET tenant_id = '" + tenantB + "'", "row-level security");
            setTenant(c, tenantA);
            try (Statement s = c.createStatement()) {
                assertThat(s.executeUpdate("UPDATE users SET disabled = TRUE WHERE tenant_id = '" + tenantB + "'"))
                        .as("B's users are not there to update").isZero();
                assertThat(s.executeUpdate("DELETE FROM audit_log WHERE tenant_id = '" + tenantB + "'")).isZero();
            }
            c.rollback();
            // Without a setting nothing can be inserted either.
            assertRefused(c, "INSERT INTO domains (id, tenant_id, name, created_at) VALUES ('" + UUID.randomUUID()
                    + "', '" + tenantA + "', '" + uniqueDomain() + "', 0)", "row-level security");
        }
    }

    @Test
    void theRuntimeRoleCanNeitherSwitchRowSecurityOffNorChangeTheSchema() throws SQLException {
        try (Connection c = runtime()) {
            for (String table : List.of("messages", "tenants", "audit_log")) {
                assertRefused(c, "ALTER TABLE " + table + " DISABLE ROW LEVEL SECURITY", "must be owner");
                assertRefused(c, "ALTER TABLE " + table + " NO FORCE ROW LEVEL SECURITY", "must be owner");
            }
            assertRefused(c, "DROP POLICY messages_tenant_isolation ON messages", "must be owner");
            assertRefused(c, "CREATE POLICY open_door ON messages USING (true)", "must be owner");
            assertRefused(c, "CREATE TABLE smuggled (id TEXT)", "permission denied");
            assertRefused(c, "CREATE SCHEMA smuggled", "permission denied");
            assertRefused(c, "TRUNCATE messages", "permission denied");
            assertRefused(c, "DROP TABLE messages", "must be owner");
            assertRefused(c, "ALTER ROLE " + db.runtime + " BYPASSRLS", "must be superuser");
            assertRefused(c, "SET ROLE " + db.owner, "permission denied");
            assertRefused(c, "INSERT INTO flyway_schema_history (installed_rank) VALUES (999)", "permission denied");
        }
    }

    @Test
    void theStoreRefusesARuntimeRoleThatCouldBypassRowSecurity() throws SQLException {
        assertThatThrownBy(() -> SqlMetadataStore.openPostgres(db.url, PostgresTestDatabase.ADMIN_USER,
                PostgresTestDatabase.ADMIN_PASSWORD, db.owner, db.ownerPassword))
                .isInstanceOf(UnavailableException.class)
                .hasMessageContaining("is a superuser")
                .hasMessageContaining("db_migration_user");
        assertThatThrownBy(() -> SqlMetadataStore.openPostgres(db.url, db.owner, db.ownerPassword, null, null))
                .as("one role for everything: it owns the tables")
                .isInstanceOf(UnavailableException.class)
                .hasMessageContaining("owns")
                .hasMessageContaining("db_migration_user");
        try (Connection admin = PostgresTestDatabase.admin(); Statement s = admin.createStatement()) {
            s.execute("ALTER ROLE " + db.runtime + " BYPASSRLS");
            try {
                assertThatThrownBy(db::open).isInstanceOf(UnavailableException.class)
                        .hasMessageContaining("has BYPASSRLS");
            } finally {
                s.execute("ALTER ROLE " + db.runtime + " NOBYPASSRLS");
            }
            s.execute("GRANT " + db.owner + " TO " + db.runtime);
            try {
                assertThatThrownBy(db::open).as("a member of the owning role may ALTER its tables")
                        .isInstanceOf(UnavailableException.class).hasMessageContaining("owns");
            } finally {
                s.execute("REVOKE " + db.owner + " FROM " + db.runtime);
            }
        }
        try (Connection here = db.adminHere(); Statement s = here.createStatement()) {
            s.execute("GRANT CREATE ON SCHEMA public TO " + db.runtime);
            try {
                assertThatThrownBy(db::open).isInstanceOf(UnavailableException.class)
                        .hasMessageContaining("may create tables");
            } finally {
                s.execute("REVOKE CREATE ON SCHEMA public FROM " + db.runtime);
            }
        }
        try (SqlMetadataStore store = db.open()) {
            assertThat(store.inTransaction((Repositories r) -> r.tenants().byId(server(),
                    org.postern.model.TenantId.parse(tenantA)))).isPresent();
        }
    }

    @Test
    void theStoreRefusesATenantTableWithoutForcedRowSecurity() throws SQLException {
        try (Connection owner = db.connectAs(db.owner, db.ownerPassword); Statement s = owner.createStatement()) {
            s.execute("ALTER TABLE outbox NO FORCE ROW LEVEL SECURITY");
            try {
                assertThatThrownBy(db::open).isInstanceOf(UnavailableException.class)
                        .hasMessageContaining("without forced row-level security (outbox)");
            } finally {
                s.execute("ALTER TABLE outbox FORCE ROW LEVEL SECURITY");
            }
        }
    }

    @Test
    void theRuntimeRoleHoldsOnlyReadAndWritePrivilegesOnTheTables() throws SQLException {
        try (Connection c = runtime(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT DISTINCT table_name, privilege_type FROM information_schema.table_privileges"
                        + " WHERE grantee = current_user")) {
            Set<String> kinds = new HashSet<>();
            Set<String> tables = new HashSet<>();
            while (rs.next()) {
                tables.add(rs.getString(1));
                kinds.add(rs.getString(2));
            }
            assertThat(kinds).containsExactlyInAnyOrder("SELECT", "INSERT", "UPDATE", "DELETE");
            assertThat(tables).containsAll(TENANT_TABLES).contains("signin_throttle").doesNotContain("flyway_schema_history");
        }
    }

    // ---------------------------------------------------------------- helpers

    private static Connection runtime() throws SQLException {
        Connection c = db.connectAs(db.runtime, db.runtimePassword);
        c.setAutoCommit(false);
        return c;
    }

    private static void setTenant(Connection c, String tenant) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT set_config('postern.tenant', ?, true)")) {
            p.setString(1, tenant);
            p.execute();
        }
    }

    /** The distinct tenants of the rows a bare SELECT returns. */
    private static Set<String> tenantsIn(Connection c, String table) throws SQLException {
        String column = table.equals("tenants") ? "id" : "tenant_id";
        Set<String> tenants = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
            while (rs.next()) {
                tenants.add(rs.getString(column));
            }
        }
        return tenants;
    }

    private static long count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Runs {@code sql}, which must fail naming {@code reason}; rolls back so the connection goes on. */
    private static void assertRefused(Connection c, String sql, String reason) throws SQLException {
        try (Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(SQLException.class)
                    .hasMessageContaining(reason);
        } finally {
            c.rollback();
        }
    }

    /** The contracts' fixtures, on this test's store (not a test class: the contracts' tests do not run here). */
    private record Fixtures(MetadataStore store) implements MetadataStoreContract, IdentityStoreContract {
        @Override
        public MetadataStore reopen() {
            throw new UnsupportedOperationException();
        }

        /** A new tenant with at least one row in every tenant-owned table; returns its id. */
        String tenantWithARowInEveryTable() {
            Tenant t = newTenant();
            User u = newUser(t);
            var inbox = newMailbox(u, "INBOX");
            append(u, inbox);
            DomainName domain = uniqueDomain();
            Instant now = Instant.now();
            tx((Repositories r) -> {
                r.domains().add(tenantScope(t.id()), t.id(), domain);
                r.addresses().create(userScope(u), t.id(), u.id(), uniqueAddress(), bytes("note"));
                r.dataKeys().insert(userScope(u), new WrappedDataKey(t.id(), u.id(), "master-1", bytes("wrapped"), now));
                r.dkimKeys().insert(tenantScope(t.id()), new DkimKey(t.id(), domain, "s1", DkimAlgorithm.ED25519,
                        bytes("public"), bytes("sealed"), now, DkimKeyState.ACTIVE));
                r.invites().create(tenantScope(t.id()), IdentityStoreContract.invite(t.id(), Role.USER, now,
                        Duration.ofDays(1)));
                r.signIns().recordSignIn(server(), new SignInRecord(t.id(), u.id(), "192.0.2.1",
                        IdentityStoreContract.deviceHash("agent"), now, Optional.empty(), Optional.empty()));
                r.securitySettings().saveAccount(tenantScope(t.id()), AccountSecurity.defaults(t.id(), u.id()));
                r.securitySettings().saveTenant(tenantScope(t.id()), new TenantPolicy(t.id(), false, RiskMode.AUDIT));
                r.outbox().add(userScope(u), new OutboxMessage(UUID.randomUUID(), t.id(), u.id(), uniqueAddress(),
                        "invite", bytes("sealed"), now));
                QueuedMessage m = new QueuedMessage(UUID.randomUUID(), t.id(), u.id(), u.login(), BlobId.random(), 10,
                        now, now.plusSeconds(3600));
                r.outboundQueue().enqueue(userScope(u), m, List.of(QueuedRecipient.fresh(m,
                        EmailAddress.parse("someone@elsewhere.example"))));
                r.mfa().replaceRecoveryCodes(userScope(u), u.id(), List.of(IdentityStoreContract.randomHash()), now);
                r.tenantLimits().save(tenantScope(t.id()), new TenantLimits(t.id(), java.util.OptionalLong.of(4096),
                        java.util.OptionalInt.empty(), java.util.OptionalInt.of(10)));
                return null;
            });
            AuthSession session = newSession(u, now, Duration.ofHours(1));
            newRefreshToken(session);
            newCredential(u, CredentialKind.APP_PASSWORD, now);
            confirmedTotp(u, 1);
            newCode(u, CodePurpose.VERIFY_EMAIL, now);
            auditAbout(u, "test.rls");
            return t.id().value().toString();
        }
    }
}
