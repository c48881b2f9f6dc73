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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
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
 * SQLite's busy handler against each other.
 *
 * <p>{@link #inReadTransaction} on SQLite takes neither: it runs {@code BEGIN DEFERRED} on a
 * separate pool of connections opened with {@code PRAGMA query_only}, so recipient checks and
 * mailbox lookups read a WAL snapshot while a writer commits, instead of queueing behind its
 * fsync. A write there fails (SQLITE_READONLY) rather than upgrading the lock, and a reader that
 * meets SQLITE_BUSY (WAL recovery, a checkpoint resetting the log) waits in the busy timeout like
 * a writer and then fails as unavailable.
 *
 * <p>{@link #inGroupedTransaction} on SQLite is group commit: each caller queues its work and
 * then waits for the writer lock; whoever gets it first takes every queued work (up to {@value
 * #MAX_GROUP}) and runs them in one {@code BEGIN IMMEDIATE} transaction with one COMMIT, one WAL
 * fsync. Each caller returns only once the lock holder has finished its group, so a caller whose
 * work is in a group returns after that group's COMMIT. If a work throws, the group is rolled back
 * and every work runs again in its own transaction; if the COMMIT fails, every caller of the
 * group gets the failure and nothing of the group was committed.
 *
 * <p>PostgreSQL runs at READ COMMITTED: every counter (UIDNEXT, HIGHESTMODSEQ, UIDVALIDITY) is
 * advanced by a single {@code UPDATE ... RETURNING}, which locks its row until commit.
 */
public final class SqlMetadataStore implements MetadataStore {
    private static final Logger LOG = LoggerFactory.getLogger(SqlMetadataStore.class);

    static final int SQLITE_BUSY_TIMEOUT_MILLIS = 5000;
    /** Connections for concurrent read transactions on SQLite (each holds a WAL snapshot while open). */
    static final int SQLITE_READERS = 4;
    /** The most works one group commit carries; the rest wait for the next group. */
    static final int MAX_GROUP = 64;
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
    private final Clock clock;
    private final ReentrantLock sqliteWriter;
    /** SQLite only: query-only connections for {@link #inReadTransaction}; null on PostgreSQL. */
    private final HikariDataSource readers;
    private final Jdbi readJdbi;
    /** The read-pool handle this thread is using, so a broken one is evicted from its own pool. */
    private final ThreadLocal<Handle> readHandles = new ThreadLocal<>();
    private final ThreadLocal<Boolean> inWork = new ThreadLocal<>();
    /** SQLite: works waiting for a group commit (see {@link #inGroupedTransaction}). */
    private final ConcurrentLinkedQueue<Grouped<?>> groupQueue = new ConcurrentLinkedQueue<>();
    private final AtomicLong groupCommits = new AtomicLong();
    private volatile boolean closed;

    private SqlMetadataStore(Backend backend, HikariDataSource dataSource, HikariDataSource readers, Clock clock) {
        this.backend = backend;
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.readers = readers;
        this.readJdbi = readers == null ? null : Jdbi.create(readers);
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
            HikariConfig readPool = new HikariConfig();
            readPool.setPoolName("postern-sqlite-read");
            readPool.setDataSource(sqlite);
            readPool.setMaximumPoolSize(SQLITE_READERS);
            readPool.setMinimumIdle(1);
            readPool.setConnectionTimeout(10_000);
            readPool.setConnectionInitSql("PRAGMA query_only = 1");
            HikariDataSource readers = startPool(readPool);
            return new SqlMetadataStore(Backend.SQLITE, dataSource, readers, Clock.systemUTC());
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    /**
     * Connects to PostgreSQL at {@code jdbcUrl} ({@code jdbc:postgresql://...}) as the runtime role
     * {@code user}, brings the schema up to date as the migration role {@code migrationUser}, and
     * checks that the runtime role cannot get round row-level security ({@link PostgresRoles}).
     *
     * <p>With a migration role, it owns the schema: it runs the migrations and then grants the
     * runtime role SELECT, INSERT, UPDATE and DELETE on Postern's tables and nothing else. Without one,
     * the runtime role migrates, which leaves it the owner of the tables, and the check refuses it.
     * Users and passwords may be null (taken from the URL or the server's trust rules then).
     * @throws UnavailableException if the database cannot be reached or migrated, or the runtime role
     *     is one that could bypass row-level security or change the schema
     */
    public static SqlMetadataStore openPostgres(String jdbcUrl, String user, String password, String migrationUser,
            String migrationPassword) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new InvalidInputException("not a PostgreSQL JDBC URL");
        }
        HikariConfig pool = postgresPool("postern-postgresql", jdbcUrl, user, password);
        pool.setMaximumPoolSize(10);
        pool.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        HikariDataSource dataSource = startPool(pool);
        try {
            Jdbi runtime = Jdbi.create(dataSource);
            String runtimeRole = PostgresRoles.currentRole(runtime);
            migratePostgres(jdbcUrl, migrationUser != null ? migrationUser : user,
                    migrationUser != null ? migrationPassword : password,
                    migrationUser != null ? Optional.of(runtimeRole) : Optional.empty());
            PostgresRoles.requireRuntimeRoleCannotBypassRowSecurity(runtime);
            return new SqlMetadataStore(Backend.POSTGRESQL, dataSource, null, Clock.systemUTC());
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    private static HikariConfig postgresPool(String name, String jdbcUrl, String user, String password) {
        HikariConfig pool = new HikariConfig();
        pool.setPoolName(name);
        pool.setDriverClassName("org.postgresql.Driver");
        pool.setJdbcUrl(jdbcUrl);
        if (user != null) {
            pool.setUsername(user);
        }
        if (password != null) {
            pool.setPassword(password);
        }
        pool.setConnectionTimeout(10_000);
        pool.setConnectionInitSql("SET synchronous_commit TO on");
        // Server error details quote row values ("Key (login)=(...) already exists"): keep them out of exceptions.
        pool.addDataSourceProperty("logServerErrorDetail", "false");
        pool.addDataSourceProperty("ApplicationName", "postern");
        return pool;
    }

    /**
     * Migrates on connections of their own, closed afterwards: the migrations see every tenant's rows
     * (the session-wide setting '*'), and that setting must never reach a connection of the runtime pool.
     */
    private static void migratePostgres(String jdbcUrl, String user, String password, Optional<String> grantTo) {
        HikariConfig pool = postgresPool("postern-postgresql-migration", jdbcUrl, user, password);
        pool.setConnectionInitSql("SET synchronous_commit TO on; SET " + PostgresDialect.TENANT_SETTING + " TO '"
                + Tx.ALL_TENANTS + "'");
        // Flyway may hold one connection for its lock and another for the migration itself.
        pool.setMaximumPoolSize(2);
        pool.setMinimumIdle(0);
        try (HikariDataSource migration = startPool(pool)) {
            migrate(migration, "classpath:db/migration/postgresql");
            grantTo.ifPresent(role -> PostgresRoles.grantRuntimePrivileges(Jdbi.create(migration), role));
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
        inWork.set(Boolean.TRUE);
        boolean locked = false;
        try {
            if (sqliteWriter != null) {
                sqliteWriter.lockInterruptibly();
                locked = true;
            }
            Handle handle = openHandle();
            try {
                return run(handle, work);
            } finally {
                closeQuietly(handle);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while waiting for the metadata database");
        } finally {
            if (locked) {
                sqliteWriter.unlock();
            }
            inWork.remove();
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
                handle = readJdbi.open();
            } catch (JdbiException e) {
                throw SqlErrors.translate(e);
            }
            readHandles.set(handle);
            try {
                return run(handle, work, "BEGIN DEFERRED");
            } finally {
                closeQuietly(handle);
                readHandles.remove();
            }
        } finally {
            inWork.remove();
        }
    }

    private <T> T run(Handle handle, Work<T> work) {
        return run(handle, work, "BEGIN IMMEDIATE");
    }

    /** One caller's work in a group commit. Written by the lock holder, read by its caller after it got the lock. */
    private static final class Grouped<T> {
        final Work<T> work;
        boolean done;
        T result;
        RuntimeException failure;

        Grouped(Work<T> work) {
            this.work = work;
        }

        void runIn(SqlRepositories repositories) {
            result = work.run(repositories);
        }

        void fail(RuntimeException e) {
            result = null;
            failure = e;
            done = true;
        }

        T get() {
            if (!done) {
                throw new UnavailableException("metadata database unavailable");
            }
            if (failure != null) {
                throw failure;
            }
            return result;
        }
    }

    @Override
    public <T> T inGroupedTransaction(Work<T> work) {
        if (sqliteWriter == null) {
            return inTransaction(work);
        }
        Objects.requireNonNull(work, "work");
        if (closed) {
            throw new UnavailableException("metadata store is closed");
        }
        if (inWork.get() != null) {
            throw new IllegalStateException("inGroupedTransaction called from inside a unit of work of the same store");
        }
        Grouped<T> mine = new Grouped<>(work);
        inWork.set(Boolean.TRUE);
        groupQueue.add(mine);
        boolean locked = false;
        try {
            try {
                sqliteWriter.lockInterruptibly();
            } catch (InterruptedException e) {
                if (groupQueue.remove(mine)) {
                    Thread.currentThread().interrupt();
                    throw new UnavailableException("interrupted while waiting for the metadata database");
                }
                // A lock holder has taken the work: wait for its outcome, which may be a commit.
                sqliteWriter.lock();
                Thread.currentThread().interrupt();
            }
            locked = true;
            if (!mine.done) {
                runGroup();
            }
        } finally {
            if (locked) {
                sqliteWriter.unlock();
            }
            inWork.remove();
        }
        return mine.get();
    }

    /** Under the writer lock: runs every queued work (up to MAX_GROUP) in one transaction. */
    private void runGroup() {
        List<Grouped<?>> group = new ArrayList<>();
        for (Grouped<?> g; group.size() < MAX_GROUP && (g = groupQueue.poll()) != null; ) {
            group.add(g);
        }
        try {
            if (runTogether(group)) {
                groupCommits.incrementAndGet();
                return;
            }
            // A work failed and the group was rolled back: each runs alone, so one bad work
            // (a mailbox deleted meanwhile, say) fails only its own caller.
            for (Grouped<?> g : group) {
                if (g.done) {
                    continue;
                }
                try {
                    Handle handle = openHandle();
                    try {
                        runAlone(handle, g);
                    } finally {
                        closeQuietly(handle);
                    }
                } catch (RuntimeException e) {
                    g.fail(e);
                }
            }
        } finally {
            for (Grouped<?> g : group) {
                if (!g.done) {
                    g.fail(new UnavailableException("metadata database unavailable"));
                }
            }
        }
    }

    private static <T> void runAloneTyped(SqlMetadataStore store, Handle handle, Grouped<T> g) {
        g.result = store.run(handle, g.work);
        g.failure = null;
        g.done = true;
    }

    private void runAlone(Handle handle, Grouped<?> g) {
        runAloneTyped(this, handle, g);
    }

    /**
     * Runs the group in one transaction: true when it committed (every work done), false when a
     * work threw and everything was rolled back. A failed BEGIN or COMMIT fails every work.
     */
    private boolean runTogether(List<Grouped<?>> group) {
        Handle handle;
        try {
            handle = openHandle();
        } catch (RuntimeException e) {
            group.forEach(g -> g.fail(e));
            return true;
        }
        try {
            Tx tx = new Tx(handle, clock, backend.dialect);
            try {
                begin(handle, "BEGIN IMMEDIATE");
            } catch (RuntimeException e) {
                group.forEach(g -> g.fail(e));
                return true;
            }
            boolean committed = false;
            try {
                SqlRepositories repositories = new SqlRepositories(tx);
                for (Grouped<?> g : group) {
                    try {
                        g.runIn(repositories);
                    } catch (RuntimeException e) {
                        return false;
                    }
                }
                tx.end();
                try {
                    commit(handle);
                } catch (RuntimeException e) {
                    // Nobody's work is known to be durable: every caller is told it failed.
                    group.forEach(g -> g.fail(e));
                    return true;
                }
                committed = true;
                group.forEach(g -> g.done = true);
                return true;
            } finally {
                tx.end();
                if (!committed) {
                    rollback(handle);
                }
            }
        } finally {
            closeQuietly(handle);
        }
    }

    /** For tests: how many group transactions have committed. */
    long groupCommitsForTests() {
        return groupCommits.get();
    }

    /** For tests: how many works wait for a group commit. */
    int queuedForTests() {
        return groupQueue.size();
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
            (readHandles.get() == handle ? readers : dataSource).evictConnection(handle.getConnection());
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
