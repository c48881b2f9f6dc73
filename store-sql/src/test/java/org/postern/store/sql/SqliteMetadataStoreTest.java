package org.postern.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.access.Scope;
import org.postern.model.BlobId;
import org.postern.model.MessageId;
import org.postern.model.SpecialUse;
import org.postern.store.Mailbox;
import org.postern.store.AddressLifecycleContract;
import org.postern.store.IdentityStoreContract;
import org.postern.store.MetadataStore;
import org.postern.store.MetadataStoreContract;
import org.postern.store.NewMessage;
import org.postern.store.StoredMessage;
import org.postern.store.Tenant;
import org.postern.store.User;

class SqliteMetadataStoreTest implements MetadataStoreContract, IdentityStoreContract, AddressLifecycleContract {
    @TempDir
    Path dir;

    private Path file;
    private SqlMetadataStore store;

    @BeforeEach
    void open() {
        file = dir.resolve("metadata.db");
        store = SqlMetadataStore.openSqlite(file);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Override
    public MetadataStore store() {
        return store;
    }

    @Override
    public MetadataStore reopen() {
        store.close();
        store = SqlMetadataStore.openSqlite(file);
        return store;
    }

    @Test
    void everyPooledConnectionIsDurableAndChecksForeignKeys() {
        List<Map<String, Object>> seen = new ArrayList<>();
        // Two handles at once: the pool has to hand out two different connections.
        store.jdbiForTests().useHandle(first -> store.jdbiForTests().useHandle(second -> {
            for (var h : List.of(first, second)) {
                seen.add(Map.of(
                        "journal_mode", h.createQuery("PRAGMA journal_mode").mapTo(String.class).one(),
                        "synchronous", h.createQuery("PRAGMA synchronous").mapTo(Integer.class).one(),
                        "foreign_keys", h.createQuery("PRAGMA foreign_keys").mapTo(Integer.class).one(),
                        "busy_timeout", h.createQuery("PRAGMA busy_timeout").mapTo(Integer.class).one()));
            }
        }));
        assertThat(seen).hasSize(2).allSatisfy(p -> {
            assertThat(p.get("journal_mode")).isEqualTo("wal");
            assertThat(p.get("synchronous")).isEqualTo(2); // FULL
            assertThat(p.get("foreign_keys")).isEqualTo(1);
            assertThat(p.get("busy_timeout")).isEqualTo(SqlMetadataStore.SQLITE_BUSY_TIMEOUT_MILLIS);
        });
    }

    @Test
    void aReadTransactionDoesNotWaitForAWriterAndSeesOnlyCommittedData() throws Exception {
        Scope server = MetadataStoreContract.server();
        Tenant before = store.inTransaction(r -> r.tenants().create(server, MetadataStoreContract.unique("before")));
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        String pendingName = MetadataStoreContract.unique("pending");
        try (ExecutorService pool = Executors.newFixedThreadPool(1)) {
            Future<Tenant> writer = pool.submit(() -> store.inTransaction(r -> {
                Tenant t = r.tenants().create(server, pendingName);
                writing.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return t;
            }));
            assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
            // The writer holds SQLite's write lock and the store's writer lock: a read still goes on.
            long start = System.nanoTime();
            Optional<Tenant> seen = store.inReadTransaction(r -> r.tenants().byId(server, before.id()));
            Optional<Tenant> notYet = store.inReadTransaction(r -> r.tenants().byName(server, pendingName));
            assertThat(seen).contains(before);
            assertThat(notYet).isEmpty();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000);
            release.countDown();
            Tenant pending = writer.get(10, TimeUnit.SECONDS);
            Optional<Tenant> now = store.inReadTransaction(r -> r.tenants().byName(server, pendingName));
            assertThat(now).contains(pending);
        }
    }

    @Test
    void waitingWritesAreCommittedTogetherAndEachCallerSeesItsOwnResult() throws Exception {
        Mailbox inbox = sharedInbox();
        Scope server = MetadataStoreContract.server();
        int callers = 8;
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(callers + 1)) {
            // A writer holds the lock while the others queue their works.
            Future<?> blocker = pool.submit(() -> store.inTransaction(r -> {
                holding.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            long before = store.groupCommitsForTests();
            List<Future<StoredMessage>> futures = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                futures.add(pool.submit(() -> store.inGroupedTransaction(r -> r.messages().append(server, inbox.id(),
                        message()))));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (store.queuedForTests() < callers && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(store.queuedForTests()).isEqualTo(callers);
            release.countDown();
            blocker.get(10, TimeUnit.SECONDS);
            Set<Long> uids = new HashSet<>();
            for (Future<StoredMessage> f : futures) {
                StoredMessage m = f.get(10, TimeUnit.SECONDS);
                uids.add(m.uid());
                Optional<StoredMessage> stored = store.inReadTransaction(r -> r.messages().byId(server, m.id()));
                assertThat(stored).isPresent();
            }
            assertThat(uids).hasSize(callers);
            // All eight went in one transaction, one commit.
            assertThat(store.groupCommitsForTests() - before).isEqualTo(1);
        }
    }

    @Test
    void aFailingWorkInAGroupFailsOnlyItsOwnCaller() throws Exception {
        Mailbox inbox = sharedInbox();
        Scope server = MetadataStoreContract.server();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(5)) {
            Future<?> blocker = pool.submit(() -> store.inTransaction(r -> {
                holding.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            List<Future<StoredMessage>> good = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                good.add(pool.submit(() -> store.inGroupedTransaction(r -> r.messages().append(server, inbox.id(),
                        message()))));
            }
            Future<StoredMessage> bad = pool.submit(() -> store.inGroupedTransaction(r -> {
                r.messages().append(server, inbox.id(), message());
                throw new IllegalStateException("this one fails");
            }));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (store.queuedForTests() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            release.countDown();
            blocker.get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
            for (Future<StoredMessage> f : good) {
                StoredMessage m = f.get(10, TimeUnit.SECONDS);
                Optional<StoredMessage> stored = store.inReadTransaction(r -> r.messages().byId(server, m.id()));
                assertThat(stored).isPresent();
            }
            List<StoredMessage> all = store.inTransaction(r -> r.messages().list(server, inbox.id()));
            assertThat(all).hasSize(3);
        }
    }

    @Test
    void aWriteInsideAReadTransactionFailsAndKeepsNothing() {
        Scope server = MetadataStoreContract.server();
        String name = MetadataStoreContract.unique("readonly");
        assertThatThrownBy(() -> store.inReadTransaction(r -> r.tenants().create(server, name)))
                .isInstanceOf(RuntimeException.class);
        Optional<Tenant> kept = store.inTransaction(r -> r.tenants().byName(server, name));
        assertThat(kept).isEmpty();
        // The connection went back usable: reads and writes still work.
        Optional<Tenant> read = store.inReadTransaction(r -> r.tenants().byName(server, name));
        assertThat(read).isEmpty();
        Tenant created = store.inTransaction(r -> r.tenants().create(server, name));
        assertThat(created.name()).isEqualTo(name);
    }

    @Test
    void theDatabaseFileIsPrivate() throws Exception {
        assertThat(store.backendName()).isEqualTo("sqlite");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void databaseErrorsCarryNoRowValues() {
        ErrorHygiene.assertNoRowValuesLeak(store);
    }

    /** The server and the admin command line: two stores, each with its own pool, on one file. */
    @Test
    void twoStoresOnOneFileWriteConcurrently() throws Exception {
        Mailbox inbox = sharedInbox();
        Scope server = MetadataStoreContract.server();
        int perWriter = 15;
        try (SqlMetadataStore cli = SqlMetadataStore.openSqlite(file)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<StoredMessage>>> futures = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
                for (MetadataStore writer : List.of(store, cli, store, cli)) {
                    Callable<List<StoredMessage>> task = () -> {
                        start.await();
                        List<StoredMessage> appended = new ArrayList<>();
                        for (int i = 0; i < perWriter; i++) {
                            writer.inTransaction(r -> r.tenants().create(server, MetadataStoreContract.unique("cli")));
                            appended.add(writer.inTransaction(r -> r.messages().append(server, inbox.id(), message())));
                        }
                        return appended;
                    };
                    futures.add(pool.submit(task));
                }
                start.countDown();
            }
            Set<Long> uids = new HashSet<>();
            for (Future<List<StoredMessage>> f : futures) {
                f.get().forEach(m -> uids.add(m.uid()));
            }
            assertThat(uids).hasSize(4 * perWriter);
            assertThat(cli.inTransaction((org.postern.store.Repositories r) -> r.messages().list(server, inbox.id()))).hasSize(4 * perWriter);
        }
    }

    /**
     * Concurrent writers keep their own outcomes: one that throws after writing loses its write and
     * gets its exception, and every other write is committed and returned.
     */
    @Test
    void writersCommittedTogetherKeepTheirOwnOutcomes() throws Exception {
        Mailbox inbox = sharedInbox();
        Scope server = MetadataStoreContract.server();
        int writers = 24;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<StoredMessage>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            for (int i = 0; i < writers; i++) {
                boolean fails = i % 4 == 3;
                futures.add(pool.submit(() -> {
                    start.await();
                    return store.inTransaction(r -> {
                        StoredMessage m = r.messages().append(server, inbox.id(), message());
                        if (fails) {
                            throw new IllegalStateException("unit failed after writing");
                        }
                        return m;
                    });
                }));
            }
            start.countDown();
        }
        Set<MessageId> kept = new HashSet<>();
        int failed = 0;
        for (Future<StoredMessage> f : futures) {
            try {
                kept.add(f.get().id());
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(IllegalStateException.class).hasMessage("unit failed after writing");
                failed++;
            }
        }
        assertThat(failed).isEqualTo(writers / 4);
        List<StoredMessage> stored = store.inTransaction(r -> r.messages().list(server, inbox.id()));
        assertThat(stored).extracting(StoredMessage::id).containsExactlyInAnyOrderElementsOf(kept);
        assertThat(stored).extracting(StoredMessage::uid).doesNotHaveDuplicates();
    }

    /** What changed after a MODSEQ: new, re-flagged and expunged messages, by UID; nothing before it. */
    @Test
    void changesSinceAModSeqAreTheNewTheChangedAndTheExpunged() {
        Mailbox inbox = sharedInbox();
        Scope server = MetadataStoreContract.server();
        StoredMessage one = store.inTransaction(r -> r.messages().append(server, inbox.id(), message()));
        StoredMessage two = store.inTransaction(r -> r.messages().append(server, inbox.id(), message()));
        StoredMessage three = store.inTransaction(r -> r.messages().append(server, inbox.id(), message()));
        long seen = three.modSeq();
        store.inTransaction(r -> r.messages().setFlags(server, one.id(), Set.of("\\Seen")));
        store.inTransaction(r -> r.messages().markDeleted(server, two.id(), Instant.now()));
        StoredMessage four = store.inTransaction(r -> r.messages().append(server, inbox.id(), message()));
        List<StoredMessage> changed = store.inReadTransaction(r -> r.messages().changedSince(server, inbox.id(), seen));
        assertThat(changed).extracting(StoredMessage::uid).containsExactly(one.uid(), two.uid(), four.uid());
        assertThat(changed.get(0).flags()).containsExactly("\\Seen");
        assertThat(changed.get(0).deletedAt()).isEmpty();
        assertThat(changed.get(1).deletedAt()).isPresent();
        long now = changed.stream().mapToLong(StoredMessage::modSeq).max().orElseThrow();
        List<StoredMessage> none = store.inReadTransaction(r -> r.messages().changedSince(server, inbox.id(), now));
        assertThat(none).isEmpty();
    }

    /** Read transactions see what was committed, beside the writer, and cannot write. */
    @Test
    void readTransactionsSeeCommitsAndRefuseWrites() {
        Mailbox inbox = sharedInbox();
        Scope server = MetadataStoreContract.server();
        StoredMessage m = store.inTransaction(r -> r.messages().append(server, inbox.id(), message()));
        Optional<StoredMessage> read = store.inReadTransaction(r -> r.messages().byId(server, m.id()));
        assertThat(read).isPresent();
        assertThatThrownBy(() -> store.inReadTransaction(r -> r.messages().append(server, inbox.id(), message())))
                .isInstanceOf(RuntimeException.class);
        List<StoredMessage> all = store.inTransaction(r -> r.messages().list(server, inbox.id()));
        assertThat(all).hasSize(1);
        assertThatThrownBy(() -> store.inTransaction(r -> store.inReadTransaction(r2 -> r2.tenants())))
                .isInstanceOf(IllegalStateException.class);
    }

    /** The same with a real second process, which is what the admin command line is. */
    @Test
    void anotherProcessWritesTheSameFileWhileThisOneDoes() throws Exception {
        Mailbox inbox = sharedInbox();
        Scope server = MetadataStoreContract.server();
        int count = 25;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process other = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), SqliteWriterProcess.class.getName(), file.toString(),
                inbox.id().toString(), Integer.toString(count))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("writer.log").toFile())
                .start();
        int mine = 0;
        while (other.isAlive() || mine < count) {
            store.inTransaction(r -> r.tenants().create(server, MetadataStoreContract.unique("server")));
            store.inTransaction(r -> r.messages().append(server, inbox.id(), message()));
            mine++;
            if (mine > 2000) {
                break;
            }
        }
        assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(dir.resolve("writer.log"), StandardCharsets.UTF_8);
        assertThat(other.exitValue()).as(log).isZero();
        assertThat(log).contains("done " + count);
        List<StoredMessage> all = store.inTransaction(r -> r.messages().list(server, inbox.id()));
        assertThat(all).hasSize(mine + count);
        assertThat(all.stream().map(StoredMessage::uid).distinct().count()).isEqualTo(mine + count);
    }

    private Mailbox sharedInbox() {
        Scope server = MetadataStoreContract.server();
        Tenant t = store.inTransaction(r -> r.tenants().create(server, MetadataStoreContract.unique("shared")));
        User u = store.inTransaction(r -> r.users().create(server, t.id(), MetadataStoreContract.uniqueAddress(),
                org.postern.model.Role.USER, MetadataStoreContract.HASH));
        return store.inTransaction(r -> r.mailboxes().create(server, t.id(), u.id(), "INBOX",
                Optional.of(SpecialUse.INBOX)));
    }

    @Test
    void theV4RebuildOfAddressesKeepsEveryRowAndItsConstraints() throws Exception {
        Path old = dir.resolve("v3.db");
        org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
        config.enforceForeignKeys(true);
        org.sqlite.SQLiteDataSource v3 = new org.sqlite.SQLiteDataSource(config);
        v3.setUrl("jdbc:sqlite:" + old);
        org.flywaydb.core.Flyway.configure(SqlMetadataStore.class.getClassLoader()).dataSource(v3)
                .locations("classpath:db/migration/sqlite").target("3").load().migrate();
        String tenant = java.util.UUID.randomUUID().toString();
        String user = java.util.UUID.randomUUID().toString();
        String active = java.util.UUID.randomUUID().toString();
        String revoked = java.util.UUID.randomUUID().toString();
        try (java.sql.Connection c = v3.getConnection(); java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO tenants (id, name, created_at) VALUES ('" + tenant + "', 't', 1)");
            st.executeUpdate("INSERT INTO users (id, tenant_id, login, role, password_hash, created_at) VALUES ('"
                    + user + "', '" + tenant + "', 'u@example.org', 'USER', 'h', 1)");
            st.executeUpdate("INSERT INTO addresses (id, tenant_id, owner_id, address, state, sealed_note, created_at)"
                    + " VALUES ('" + active + "', '" + tenant + "', '" + user + "', 'shop@example.org', 'ACTIVE', X'0102', 5)");
            st.executeUpdate("INSERT INTO addresses (id, tenant_id, owner_id, address, state, created_at, revoked_at)"
                    + " VALUES ('" + revoked + "', '" + tenant + "', '" + user + "', 'old@example.org', 'REVOKED', 6, 7)");
        }

        try (SqlMetadataStore upgraded = SqlMetadataStore.openSqlite(old)) {
            Scope server = MetadataStoreContract.server();
            org.postern.store.Address a = upgraded.inTransaction((org.postern.store.Repositories tx) -> tx.addresses()
                    .byId(server, org.postern.model.AddressId.parse(active))).orElseThrow();
            assertThat(a.state()).isEqualTo(org.postern.store.AddressState.ACTIVE);
            assertThat(a.sealedNote()).containsExactly(1, 2);
            assertThat(a.createdAt()).isEqualTo(Instant.ofEpochMilli(5));
            org.postern.store.Address r = upgraded.inTransaction((org.postern.store.Repositories tx) -> tx.addresses()
                    .byId(server, org.postern.model.AddressId.parse(revoked))).orElseThrow();
            assertThat(r.state()).isEqualTo(org.postern.store.AddressState.REVOKED);
            assertThat(r.revokedAt()).contains(Instant.ofEpochMilli(7));
            assertThat(upgraded.inTransaction((org.postern.store.Repositories tx) -> tx.addresses().setSuspended(server, a.id(), true))).isTrue();
            assertThat(upgraded.inTransaction((org.postern.store.Repositories tx) -> tx.addresses().setSuspended(server, r.id(), true))).isFalse();
        }
        try (java.sql.Connection c = v3.getConnection(); java.sql.Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.executeUpdate("UPDATE addresses SET state = 'BOGUS' WHERE id = '" + active + "'"))
                    .hasMessageContaining("CHECK");
            assertThatThrownBy(() -> st.executeUpdate("UPDATE addresses SET state = 'REVOKED' WHERE id = '" + active + "'"))
                    .hasMessageContaining("CHECK");
            assertThatThrownBy(() -> st.executeUpdate("INSERT INTO addresses (id, tenant_id, owner_id, address, state,"
                    + " created_at) VALUES ('x', '" + tenant + "', '" + java.util.UUID.randomUUID() + "', 'y@example.org',"
                    + " 'ACTIVE', 1)")).hasMessageContaining("FOREIGN KEY");
            assertThatThrownBy(() -> st.executeUpdate("INSERT INTO addresses (id, tenant_id, owner_id, address, state,"
                    + " created_at) VALUES ('z', '" + tenant + "', '" + user + "', 'old@example.org', 'ACTIVE', 1)"))
                    .hasMessageContaining("UNIQUE");
            try (java.sql.ResultSet rs = st.executeQuery(
                    "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'addresses' AND sql IS NOT NULL ORDER BY name")) {
                List<String> indexes = new ArrayList<>();
                while (rs.next()) {
                    indexes.add(rs.getString(1));
                }
                assertThat(indexes).containsExactly("addresses_owner_idx", "addresses_tenant_idx");
            }
        }
    }

    private static NewMessage message() {
        return new NewMessage(MessageId.random(), Set.of(), Instant.now(), 10, null, BlobId.random());
    }
}
