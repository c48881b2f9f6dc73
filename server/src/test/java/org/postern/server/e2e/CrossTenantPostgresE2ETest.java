package org.postern.server.e2e;

import java.nio.file.Path;

/**
 * The cross-tenant suite on PostgreSQL (a fresh database on the local server), with Postern running as
 * a runtime role that row-level security binds, so both lines of tenant isolation are in play.
 */
class CrossTenantPostgresE2ETest extends CrossTenantSuite {
    private PostgresDatabase db;

    @Override
    Launcher launcher(Path dataDir) throws Exception {
        db = new PostgresDatabase();
        return db.configure(new Launcher(dataDir));
    }

    @Override
    void afterServerStopped() throws Exception {
        if (db != null) {
            db.close();
        }
    }
}
