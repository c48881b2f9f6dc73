package org.postern.store.sql;

import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.postern.model.UnavailableException;

/**
 * The two PostgreSQL roles Postern uses, and the check that keeps row-level security meaningful.
 *
 * <p>The runtime role (db_user) serves every request; the migration role (db_migration_user) owns
 * the schema. Row-level security only binds a role that is not a superuser, has no BYPASSRLS, and
 * cannot switch it off: a table's owner (or a member of the owning role) may ALTER TABLE ... DISABLE
 * ROW LEVEL SECURITY, and a role that may CREATE in the schema can make tables the policies never
 * see. Postern refuses to run as such a role: misconfigured, the second line of tenant isolation
 * would silently not be there.
 */
final class PostgresRoles {
    /** Serialises the grants of several nodes starting at once (concurrent GRANTs can fail in PostgreSQL). */
    private static final long GRANT_LOCK = 0x706f737465726eL;

    static final String FIX = "run Postern as a role of its own that is neither superuser nor BYPASSRLS and owns nothing"
            + " (CREATE ROLE postern_app LOGIN NOSUPERUSER NOBYPASSRLS), set it as db_user, and set db_migration_user"
            + " (and db_migration_password) to the role that owns the schema; Postern then grants the runtime role"
            + " only SELECT, INSERT, UPDATE and DELETE (see README, PostgreSQL)";

    private PostgresRoles() {}

    static String currentRole(Jdbi runtime) {
        try {
            return runtime.withHandle(h -> h.createQuery("SELECT current_user").mapTo(String.class).one());
        } catch (JdbiException e) {
            throw new UnavailableException("metadata database unavailable", e);
        }
    }

    /**
     * Gives {@code runtimeRole} exactly SELECT, INSERT, UPDATE and DELETE on the tables of the
     * migrated schema (Flyway's history excluded) and USAGE, SELECT on its sequences; whatever else it
     * held on them is revoked. Runs as the migration role, which owns them.
     */
    static void grantRuntimePrivileges(Jdbi migration, String runtimeRole) {
        try {
            migration.useTransaction(h -> {
                h.execute("SELECT pg_advisory_xact_lock(" + GRANT_LOCK + ")");
                String role = h.createQuery("SELECT quote_ident(:role)").bind("role", runtimeRole).mapTo(String.class).one();
                String me = h.createQuery("SELECT current_user").mapTo(String.class).one();
                if (me.equals(runtimeRole)) {
                    throw new UnavailableException("refusing to start: db_migration_user and db_user are the same"
                            + " PostgreSQL role; " + FIX);
                }
                String schema = h.createQuery("SELECT quote_ident(current_schema())").mapTo(String.class).one();
                List<String> tables = h.createQuery("SELECT quote_ident(c.relname) FROM pg_class c"
                                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
                                + " AND c.relkind IN ('r', 'p') ORDER BY c.relname")
                        .mapTo(String.class).list();
                List<String> sequences = h.createQuery("SELECT quote_ident(c.relname) FROM pg_class c"
                                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
                                + " AND c.relkind = 'S' ORDER BY c.relname")
                        .mapTo(String.class).list();
                h.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + role);
                for (String table : tables) {
                    h.execute("REVOKE ALL ON TABLE " + schema + "." + table + " FROM " + role);
                    if (!table.equals("flyway_schema_history")) {
                        h.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE " + schema + "." + table + " TO " + role);
                    }
                }
                for (String sequence : sequences) {
                    h.execute("REVOKE ALL ON SEQUENCE " + schema + "." + sequence + " FROM " + role);
                    h.execute("GRANT USAGE, SELECT ON SEQUENCE " + schema + "." + sequence + " TO " + role);
                }
            });
        } catch (JdbiException e) {
            throw new UnavailableException("granting the runtime role its privileges failed (does db_migration_user"
                    + " own the schema?)", e);
        }
    }

    /**
     * Refuses (fail closed) unless the role of {@code runtime}'s connections is bound by row-level
     * security and cannot change the schema, and every tenant-owned table has its security forced.
     * @throws UnavailableException naming each problem and the fix
     */
    static void requireRuntimeRoleCannotBypassRowSecurity(Jdbi runtime) {
        List<String> problems;
        String role;
        try {
            role = currentRole(runtime);
            problems = runtime.withHandle(PostgresRoles::problems);
        } catch (JdbiException e) {
            throw new UnavailableException("refusing to start: the PostgreSQL runtime role could not be checked", e);
        }
        if (!problems.isEmpty()) {
            throw new UnavailableException("refusing to start: the PostgreSQL role \"" + role + "\" that Postern runs as "
                    + String.join(", ", problems) + ", so row-level security would not hold; " + FIX);
        }
        List<String> unprotected;
        try {
            unprotected = runtime.withHandle(PostgresRoles::tablesWithoutForcedRowSecurity);
        } catch (JdbiException e) {
            throw new UnavailableException("refusing to start: the PostgreSQL schema could not be checked", e);
        }
        if (!unprotected.isEmpty()) {
            throw new UnavailableException("refusing to start: tenant tables without forced row-level security ("
                    + String.join(", ", unprotected) + "); db_user must reach the schema Postern migrated");
        }
    }

    private static List<String> problems(org.jdbi.v3.core.Handle h) {
        List<String> problems = new ArrayList<>();
        var role = h.createQuery("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
                .map((rs, ctx) -> new boolean[] {rs.getBoolean(1), rs.getBoolean(2)})
                .findOne();
        if (role.isEmpty()) {
            problems.add("cannot be found in pg_roles");
            return problems;
        }
        if (role.get()[0]) {
            // A superuser may do everything else below too; saying so would only bury the point.
            problems.add("is a superuser");
            return problems;
        }
        if (role.get()[1]) {
            problems.add("has BYPASSRLS");
        }
        List<String> owned = h.createQuery("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'S', 'v', 'm')"
                        + " AND pg_has_role(current_user, c.relowner, 'MEMBER') ORDER BY c.relname LIMIT 3")
                .mapTo(String.class).list();
        if (!owned.isEmpty()) {
            problems.add("owns (or is a member of the role that owns) tables such as " + String.join(", ", owned));
        }
        if (h.createQuery("SELECT has_schema_privilege(current_schema(), 'CREATE')").mapTo(Boolean.class).one()) {
            // Before PostgreSQL 15 every role may CREATE in schema public unless that was revoked.
            problems.add("may create tables in the schema (REVOKE CREATE ON SCHEMA public FROM PUBLIC)");
        }
        if (h.createQuery("SELECT has_database_privilege(current_database(), 'CREATE')").mapTo(Boolean.class).one()) {
            problems.add("may create schemas in the database");
        }
        return problems;
    }

    /** Tenant-owned tables (tenants, and every table with a tenant_id column) whose policies are not forced. */
    static List<String> tablesWithoutForcedRowSecurity(org.jdbi.v3.core.Handle h) {
        return h.createQuery("SELECT c.relname FROM pg_class c"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
                        + " AND c.relkind IN ('r', 'p') AND NOT (c.relrowsecurity AND c.relforcerowsecurity)"
                        + " AND (c.relname = 'tenants' OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid"
                        + " AND a.attname = 'tenant_id' AND NOT a.attisdropped)) ORDER BY c.relname")
                .mapTo(String.class).list();
    }
}
