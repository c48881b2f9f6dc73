package org.postern.server.e2e;

import java.nio.file.Path;

/** The cross-tenant suite on PostgreSQL (a fresh database on the local server). */
class CrossTenantPostgresE2ETest extends CrossTenantSuite {
    private PostgresDatabase db;

    @Override
    Launcher launcher(Path dataDir) throws Exception {
        db = new PostgresDatabase();
        return new Launcher(dataDir).env("POSTERN_DB_URL", db.jdbcUrl()).env("POSTERN_DB_USER", db.user());
    }

    @Override
    void afterServerStopped() throws Exception {
        if (db != null) {
            db.close();
        }
    }
}
