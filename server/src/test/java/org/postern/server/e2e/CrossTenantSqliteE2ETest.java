package org.postern.server.e2e;

import java.nio.file.Path;

/** The cross-tenant suite on the embedded SQLite database. */
class CrossTenantSqliteE2ETest extends CrossTenantSuite {
    @Override
    Launcher launcher(Path dataDir) {
        return new Launcher(dataDir);
    }
}
