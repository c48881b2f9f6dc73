package org.postern.server.e2e;

/** {@link MailApiE2ETest}, every test, with the metadata on PostgreSQL. */
class MailApiPostgresE2ETest extends MailApiE2ETest {
    private PostgresDatabase db;

    @Override
    Launcher configure(Launcher launcher) throws Exception {
        db = new PostgresDatabase();
        return db.configure(launcher);
    }

    @Override
    void closeDatabase() throws Exception {
        if (db != null) {
            db.close();
        }
    }
}
