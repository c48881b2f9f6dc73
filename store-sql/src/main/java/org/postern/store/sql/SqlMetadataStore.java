package org.postern.store.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.postern.model.InvalidInputException;
import org.postern.model.UnavailableException;
import org.postern.store.MetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The metadata store on SQLite or PostgreSQL: Jdbi over a HikariCP pool, schema by Flyway
 * ({@code db/migration/sqlite} or {@code db/migration/postgresql}).
 *
 * <p>Durability: SQLite runs in WAL mode with {@code synchronous=FULL}; PostgreSQL with
 * {@code synchronous_commit=on}. {@link #inTransaction} returns only after COMMIT has returned.
 *
 * <p>SQLite has one writer per database file, and the admin command line writes the same file
 * while the server runs. Every SQLite transaction therefore starts with {@code BEGIN IMMEDIATE},
 * taking the write lock up front (a deferred transaction that reads and then writes can fail with
 * SQLITE_BUSY and no way to wait); another process holding it is waited for up to the busy
 * timeout. Threads of this process queue on a fair lock before that, so they do not spin in
 * SQLite's busy handler against each other. Writers that queue there meanwhile share one commit
 * (group commit): the thread that gets the lock runs every unit of work waiting, in the order
 * they came, each in its own savepoint inside one transaction, then commits once, so one fsync
 * makes all of them durable. A unit that throws is rolled back to its savepoint and its caller
 * gets the exception; the others are unaffected. No caller returns before the COMMIT that holds
 * its work has returned, and if that COMMIT fails every caller in it gets the failure.
 * {@link #inReadTransaction} is the exception: it runs
 * on a separate pool of {@code query_only} connections with a deferred {@code BEGIN}, takes no
 * lock, and under WAL reads the last committed state beside the writer instead of queueing
 * behind its fsyncs (a deferred transaction that never writes cannot meet SQLITE_BUSY on upgrade).
 *
 * <p>PostgreSQL runs at READ COMMITTED: every counter (UIDNEXT, HIGHESTMODSEQ, UIDVALIDITY) is
 * advanced by a single {@code UPDATE ... RETURNING}, which locks its row until commit.
 */
public final class SqlMetadataStore implements MetadataStore {
    private static final Logger LOG = LoggerFactory.getLogger(SqlMetadataStore.class);

    static final int SQLITE_BUSY_TIMEOUT_MILLIS = 5000;
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    /** File locks belong to the whole JVM, so migrations in one JVM also queue here. */
    private static final Object MIGRATION_LOCK = new Object();

    private enum Backend {
        SQLITE("sqlite", new SqliteDialect()),
        POSTGRESQL("postgresql", new PostgresDialect());

        final String label;
        final Dialect dialect;

        Backend(String label, Dialect dialect) {
            this.label = label;
            this.dialect = dialect;
        }
    }

    private final Backend backend;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    /** SQLite only: the query_only connections of {@link #inReadTransaction}; null on PostgreSQL. */
    private final HikariDataSource readers;
    private final Jdbi readerJdbi;
    private final Clock clock;
    private final ReentrantLock sqliteWriter;
    private final ThreadLocal<Boolean> inWork = new ThreadLocal<>();
    /** SQLite only: units of work waiting for the writer (see group commit above). */
    private final ConcurrentLinkedQueue<Pending<?>> pending = new ConcurrentLinkedQueue<>();
    /** Units of work committed together at most. */
    private static final int MAX_GROUP = 64;
    private volatile boolean closed;

    private SqlMetadataStore(Backend backend, HikariDataSource dataSource, HikariDataSource readers, Clock clock) {
        this.backend = backend;
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.readers = readers;
        this.readerJdbi = readers == null ? null : Jdbi.create(readers);
        this.clock = clock;
        this.sqliteWriter = backend == Backend.SQLITE ? new ReentrantLock(true) : null;
        LOG.info("event=store.opened backend={}", backend.label);
    }

    /**
     * Opens (creating it {@code rw-------} if missing) the SQLite database at {@code databaseFile}
     * and brings its schema up to date.
     * @throws UnavailableException if the file cannot be opened or migrated
     */
    public static SqlMetadataStore openSqlite(Path databaseFile) {
        Path file = Objects.requireNonNull(databaseFile, "databaseFile").toAbsolutePath().normalize();
        prepareSqliteFile(file);
        SQLiteConfig config = new SQLiteConfig();
        // sqlite-jdbc applies these pragmas on every connection it opens.
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(SQLITE_BUSY_TIMEOUT_MILLIS);
        SQLiteDataSource sqlite = new SQLiteDataSource(config);
        sqlite.setUrl("jdbc:sqlite:" + file);

        HikariConfig pool = new HikariConfig();
        pool.setPoolName("postern-sqlite");
        pool.setDataSource(sqlite);
        pool.setMaximumPoolSize(2);
        pool.setMinimumIdle(1);
        pool.setConnectionTimeout(10_000);
        HikariDataSource dataSource = startPool(pool);
        try {
            synchronized (MIGRATION_LOCK) {
                Path lockFile = file.resolveSibling(file.getFileName() + ".migration-lock");
                try (FileChannel channel = FileChannel.open(lockFile,
                                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), PRIVATE_FILE);
                        FileLock ignored = channel.lock()) {
                    migrate(dataSource, "classpath:db/migration/sqlite");
                } catch (IOException e) {
                    throw new UnavailableException("cannot lock the metadata database for migration", e);
                }
            }
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        HikariConfig readPool = new HikariConfig();
        readPool.setPoolName("postern-sqlite-read");
        readPool.setDataSource(sqlite);
        readPool.setMaximumPoolSize(SQLITE_READERS);
        readPool.setMinimumIdle(1);
        readPool.setConnectionTimeout(10_000);
        // A write attempted through a reader fails (SQLITE_READONLY) instead of racing the writer.
        readPool.setConnectionInitSql("PRAGMA query_only = 1");
        HikariDataSource readers;
        try {
            readers = startPool(readPool);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new SqlMetadataStore(Backend.SQLITE, dataSource, readers, Clock.systemUTC());
    }

    /** Read-only SQLite connections: enough for both cores and a few waiting on disk. */
    private static final int SQLITE_READERS = 4;

    /**
     * Connects to PostgreSQL at {@code jdbcUrl} ({@code jdbc:postgresql://...}) and brings the schema
     * up to date. {@code user} and {@code password} may be null (taken from the URL or the server's
     * trust rules then).
     * @throws UnavailableException if the database cannot be reached or migrated
     */
    public static SqlMetadataStore openPostgres(String jdbcUrl, String user, String password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new InvalidInputException("not a PostgreSQL JDBC URL");
        }
        HikariConfig pool = new HikariConfig();
        pool.setPoolName("postern-postgresql");
        pool.setDriverClassName("org.postgresql.Driver");
        pool.setJdbcUrl(jdbcUrl);
        if (user != null) {
            pool.setUsername(user);
        }
        if (password != null) {
            pool.setPassword(password);
        }
        pool.setMaximumPoolSize(10);
        pool.setConnectionTimeout(10_000);
        pool.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        pool.setConnectionInitSql("SET synchronous_commit TO on");
        // Server error details quote row values ("Key (login)=(...) already exists"): keep them out of exceptions.
        pool.addDataSourceProperty("logServerErrorDetail", "false");
        pool.addDataSourceProperty("ApplicationName", "postern");
        HikariDataSource dataSource = startPool(pool);
        try {
            migrate(dataSource, "classpath:db/migration/postgresql");
            return new SqlMetadataStore(Backend.POSTGRESQL, dataSource, null, Clock.systemUTC());
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    @Override
    public <T> T inTransaction(Work<T> work) {
        Objects.requireNonNull(work, "work");
        if (closed) {
            throw new UnavailableException("metadata store is closed");
        }
        if (inWork.get() != null) {
            // A second connection would wait for the first one's locks, which this thread holds.
            throw new IllegalStateException("inTransaction called from inside a unit of work of the same store");
        }
        if (sqliteWriter != null) {
            return inGroup(work);
        }
        inWork.set(Boolean.TRUE);
        try {
            Handle handle = openHandle();
            try {
                return run(handle, work);
            } finally {
                closeQuietly(handle);
            }
        } finally {
            inWork.remove();
        }
    }

    /** One unit of work waiting for the SQLite writer, and what became of it. */
    private static final class Pending<T> {
        final Work<T> work;
        T result;
        Throwable failure;
        /** Written and read under the writer lock only. */
        boolean done;

        Pending(Work<T> work) {
            this.work = work;
        }

        T outcome() {
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            return result;
        }
    }

    private <T> T inGroup(Work<T> work) {
        Pending<T> mine = new Pending<>(work);
        inWork.set(Boolean.TRUE);
        try {
            pending.add(mine);
            try {
                sqliteWriter.lockInterruptibly();
            } catch (InterruptedException e) {
                if (pending.remove(mine)) {
                    Thread.currentThread().interrupt();
                    throw new UnavailableException("interrupted while waiting for the metadata database");
                }
                // Another thread has taken it already: wait for its outcome, which may be committed.
                sqliteWriter.lock();
                Thread.currentThread().interrupt();
            }
            try {
                while (!mine.done) {
                    runGroup();
                }
            } finally {
                sqliteWriter.unlock();
            }
            return mine.outcome();
        } finally {
            inWork.remove();
        }
    }

    /** Under the writer lock: runs the waiting units (up to {@link #MAX_GROUP}) in one transaction. */
    private void runGroup() {
        List<Pending<?>> group = new ArrayList<>();
        for (Pending<?> p; group.size() < MAX_GROUP && (p = pending.poll()) != null; ) {
            group.add(p);
        }
        if (group.isEmpty()) {
            return;
        }
        try {
            runGroup(group);
        } catch (RuntimeException | Error e) {
            // Whatever went wrong, no caller may wait for ever, nor count on a commit.
            fail(group, new UnavailableException("metadata transaction failed"));
            throw e;
        }
    }

    private void runGroup(List<Pending<?>> group) {
        Handle handle;
        try {
            handle = openHandle();
        } catch (RuntimeException e) {
            fail(group, e);
            return;
        }
        try {
            try {
                begin(handle, "BEGIN IMMEDIATE");
            } catch (RuntimeException e) {
                fail(group, e);
                return;
            }
            for (Pending<?> p : group) {
                if (!runUnit(handle, p)) {
                    // The transaction's state is unknown: nothing in it may count as committed.
                    rollback(handle);
                    fail(group, new UnavailableException("metadata transaction failed"));
                    return;
                }
            }
            try {
                commit(handle);
            } catch (RuntimeException e) {
                rollback(handle);
                fail(group, e);
                return;
            }
            for (Pending<?> p : group) {
                p.done = true;
            }
        } finally {
            closeQuietly(handle);
        }
    }

    /**
     * Runs one unit in its own savepoint: what it wrote is undone if it throws, and the others'
     * work stays. @return false when the transaction cannot go on
     */
    private <T> boolean runUnit(Handle handle, Pending<T> p) {
        try {
            handle.execute("SAVEPOINT unit");
        } catch (RuntimeException e) {
            return false;
        }
        Tx tx = new Tx(handle, clock, backend.dialect);
        try {
            p.result = p.work.run(new SqlRepositories(tx));
            tx.end();
            handle.execute("RELEASE unit");
            return true;
        } catch (RuntimeException | Error e) {
            tx.end();
            p.failure = e;
            p.done = true;
            try {
                handle.execute("ROLLBACK TO unit");
                handle.execute("RELEASE unit");
                return true;
            } catch (RuntimeException again) {
                return false;
            }
        }
    }

    /** Every unit of the group that has no failure of its own gets this one. */
    private static void fail(List<Pending<?>> group, RuntimeException e) {
        RuntimeException failure = e instanceof JdbiException j ? SqlErrors.translate(j) : e;
        for (Pending<?> p : group) {
            if (!p.done) {
                p.failure = failure;
                p.result = null;
                p.done = true;
            }
        }
    }

    @Override
    public <T> T inReadTransaction(Work<T> work) {
        if (readers == null) {
            return inTransaction(work);
        }
        Objects.requireNonNull(work, "work");
        if (closed) {
            throw new UnavailableException("metadata store is closed");
        }
        if (inWork.get() != null) {
            throw new IllegalStateException("inReadTransaction called from inside a unit of work of the same store");
        }
        inWork.set(Boolean.TRUE);
        try {
            Handle handle;
            try {
                handle = readerJdbi.open();
            } catch (JdbiException e) {
                throw SqlErrors.translate(e);
            }
            try {
                return run(handle, work, "BEGIN DEFERRED");
            } finally {
                closeQuietly(handle);
            }
        } finally {
            inWork.remove();
        }
    }

    private <T> T run(Handle handle, Work<T> work) {
        return run(handle, work, "BEGIN IMMEDIATE");
    }

    private <T> T run(Handle handle, Work<T> work, String sqliteBegin) {
        Tx tx = new Tx(handle, clock, backend.dialect);
        begin(handle, sqliteBegin);
        boolean committed = false;
        try {
            T result = work.run(new SqlRepositories(tx));
            tx.end();
            commit(handle);
            committed = true;
            return result;
        } finally {
            tx.end();
            if (!committed) {
                rollback(handle);
            }
        }
    }

    private Handle openHandle() {
        try {
            return jdbi.open();
        } catch (JdbiException e) {
            throw SqlErrors.translate(e);
        }
    }

    private void begin(Handle handle, String sqliteBegin) {
        try {
            if (backend == Backend.SQLITE) {
                // The connection stays in auto-commit mode; the transaction is ours, explicitly.
                handle.execute(sqliteBegin);
            } else {
                handle.begin();
            }
        } catch (JdbiException e) {
            throw SqlErrors.translate(e);
        }
    }

    private void commit(Handle handle) {
        try {
            if (backend == Backend.SQLITE) {
                handle.execute("COMMIT");
            } else {
                handle.commit();
            }
        } catch (JdbiException e) {
            throw SqlErrors.translate(e);
        }
    }

    private void rollback(Handle handle) {
        try {
            if (backend == Backend.SQLITE) {
                handle.execute("ROLLBACK");
            } else {
                handle.rollback();
            }
        } catch (RuntimeException e) {
            // The connection's state is unknown: it must not go back to the pool with a transaction open.
            LOG.warn("event=store.rollback.failed backend={} type={}", backend.label, e.getClass().getSimpleName());
            evict(handle);
        }
    }

    private void evict(Handle handle) {
        try {
            HikariDataSource pool = readers != null && handle.getJdbi() == readerJdbi ? readers : dataSource;
            pool.evictConnection(handle.getConnection());
        } catch (RuntimeException e) {
            LOG.warn("event=store.evict.failed backend={} type={}", backend.label, e.getClass().getSimpleName());
        }
    }

    private void closeQuietly(Handle handle) {
        try {
            handle.close();
        } catch (RuntimeException e) {
            LOG.warn("event=store.handle.close.failed backend={} type={}", backend.label, e.getClass().getSimpleName());
            evict(handle);
        }
    }

    @Override
    public String backendName() {
        return backend.label;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (readers != null) {
                readers.close();
            }
            dataSource.close();
            LOG.info("event=store.closed backend={}", backend.label);
        }
    }

    /** For tests in this package: the database underneath, bypassing transactions and scopes. */
    Jdbi jdbiForTests() {
        return jdbi;
    }

    private static HikariDataSource startPool(HikariConfig config) {
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            // Connection failures name host and user at most; the password is never in them.
            throw new UnavailableException("metadata database unavailable", e);
        }
    }

    private static void migrate(HikariDataSource dataSource, String location) {
        try {
            Flyway.configure(SqlMetadataStore.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations(location)
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            throw new UnavailableException("metadata schema migration failed", e);
        }
    }

    private static void prepareSqliteFile(Path file) {
        try {
            Path parent = file.getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                Files.createDirectories(parent, PRIVATE_DIR);
            }
            if (!Files.exists(file)) {
                // SQLite gives its -wal and -shm files the database file's mode.
                Files.createFile(file, PRIVATE_FILE);
            }
        } catch (FileAlreadyExistsException e) {
            // Created concurrently by another opener: fine.
        } catch (IOException e) {
            throw new UnavailableException("metadata database file is not usable", e);
        }
    }
}
