package org.postern.auth.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.identity.AuditEntry;
import org.postern.store.sql.SqlMetadataStore;

/** The audit log on a real SQLite file, tampered with through plain JDBC as someone with the file would. */
class AuditLogTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path dir;

    private Path file;
    private SqlMetadataStore store;
    private AuditLog audit;
    private final AccessPolicy policy = new AccessPolicy();
    private final TenantId tenant = TenantId.random();
    private final UserId alice = UserId.random();

    private static byte[] key(int seed) {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (seed + i);
        }
        return key;
    }

    @BeforeEach
    void open() {
        file = dir.resolve("postern.db");
        store = SqlMetadataStore.openSqlite(file);
        audit = new AuditLog(store, policy, new AuditChain(key(7)), Clock.fixed(T0, ZoneOffset.UTC));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private AuditEvent event(int i) {
        return new AuditEvent(Optional.of(tenant), Optional.of(alice), "user:" + alice, "signin",
                i % 3 == 0 ? "failure" : "success", "203.0.113." + (i % 250), "Mozilla/5.0", Map.of("n", Integer.toString(i)));
    }

    private void recordMany(int count) {
        store.inTransaction(tx -> {
            for (int i = 1; i <= count; i++) {
                audit.record(tx, event(i));
            }
            return null;
        });
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 5000");
            for (String statement : statements) {
                s.executeUpdate(statement);
            }
        }
    }

    private List<AuditEntry> all() {
        var scope = policy.scopeFor(new Caller.Operator());
        return store.inTransaction(tx -> tx.audit().scan(scope, 0, 10_000));
    }

    @Test
    void recordsAChainThatVerifies() {
        AuditEntry first = audit.record(event(1));
        AuditEntry second = audit.record(AuditEvent.system("retention", "purge", "success", Map.of("messages", "3")));
        assertThat(first.seq()).isEqualTo(1);
        assertThat(second.seq()).isEqualTo(2);
        assertThat(second.prevHash()).isEqualTo(first.hash());
        assertThat(second.at()).isEqualTo(T0);
        List<AuditEntry> stored = all();
        assertThat(stored).hasSize(2);
        assertThat(stored.get(1).actor()).isEqualTo("system:retention");
        assertThat(stored.get(1).details()).isEqualTo("{\"messages\":\"3\"}");
        assertThat(stored.get(0).subject()).contains(alice);
        AuditVerification v = audit.verify();
        assertThat(v.ok()).isTrue();
        assertThat(v.entriesChecked()).isEqualTo(2);
        assertThat(v.problem()).isEmpty();
    }

    @Test
    void anEmptyLogVerifies() {
        assertThat(audit.verify()).isEqualTo(AuditVerification.intact(0));
    }

    @Test
    void anEntryRecordedInARolledBackTransactionIsGone() {
        audit.record(event(1));
        assertThatThrownBy(() -> store.inTransaction(tx -> {
            audit.record(tx, event(2));
            throw new IllegalStateException("the caller's work failed");
        })).hasMessageContaining("the caller's work failed");
        assertThat(all()).hasSize(1);
        assertThat(audit.record(event(3)).seq()).isEqualTo(2);
        assertThat(audit.verify().ok()).isTrue();
    }

    @Test
    void concurrentWritersNeverForkTheChain() throws Exception {
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<AuditEntry>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                futures.add(pool.submit(() -> audit.record(event(n))));
            }
            for (Future<AuditEntry> f : futures) {
                f.get();
            }
        }
        assertThat(all()).extracting(AuditEntry::seq).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, 40).boxed().toList());
        assertThat(audit.verify()).isEqualTo(AuditVerification.intact(40));
    }

    @Test
    void anEditedEntryIsFound() throws Exception {
        recordMany(5);
        sql("UPDATE audit_log SET outcome = 'success' WHERE seq = 3");
        AuditVerification v = audit.verify();
        assertThat(v.ok()).isFalse();
        assertThat(v.firstBadSeq()).hasValue(3);
        assertThat(v.entriesChecked()).isEqualTo(3);
        assertThat(v.problem()).contains("changed");
    }

    @Test
    void anEditedDetailOrTimeIsFound() throws Exception {
        recordMany(5);
        sql("UPDATE audit_log SET details = '{\"n\":\"99\"}' WHERE seq = 2");
        assertThat(audit.verify().firstBadSeq()).hasValue(2);
        sql("UPDATE audit_log SET details = '{\"n\":\"2\"}' WHERE seq = 2");
        assertThat(audit.verify().ok()).isTrue();
        sql("UPDATE audit_log SET occurred_at = occurred_at + 1 WHERE seq = 4");
        assertThat(audit.verify().firstBadSeq()).hasValue(4);
    }

    @Test
    void anEntryRehashedWithoutTheKeyIsFound() throws Exception {
        recordMany(3);
        // Someone with the database rebuilds entry 2 with a key of their own.
        AuditChain forger = new AuditChain(key(99));
        AuditEntry before = all().get(0);
        AuditEntry forged = forger.next(Optional.of(before), event(2).about(tenant, UserId.random()), T0);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                PreparedStatement p = c.prepareStatement("UPDATE audit_log SET owner_id = ?, hash = ? WHERE seq = 2")) {
            p.setString(1, forged.subject().orElseThrow().toString());
            p.setBytes(2, forged.hash());
            p.executeUpdate();
        }
        assertThat(audit.verify().firstBadSeq()).hasValue(2);
    }

    @Test
    void aDeletedEntryInTheMiddleIsFound() throws Exception {
        recordMany(5);
        sql("DELETE FROM audit_log WHERE seq = 3");
        AuditVerification v = audit.verify();
        assertThat(v.firstBadSeq()).hasValue(4);
        assertThat(v.problem()).contains("missing");
    }

    @Test
    void aDeletedFirstEntryIsFound() throws Exception {
        recordMany(3);
        sql("DELETE FROM audit_log WHERE seq = 1");
        AuditVerification v = audit.verify();
        assertThat(v.firstBadSeq()).hasValue(2);
        assertThat(v.problem()).contains("earlier entries are missing");
    }

    @Test
    void aDeletionClosedByRenumberingIsFound() throws Exception {
        recordMany(5);
        sql("DELETE FROM audit_log WHERE seq = 3", "UPDATE audit_log SET seq = 3 WHERE seq = 4",
                "UPDATE audit_log SET seq = 4 WHERE seq = 5");
        AuditVerification v = audit.verify();
        assertThat(v.firstBadSeq()).hasValue(3);
        assertThat(v.problem()).contains("does not link");
    }

    @Test
    void reorderedEntriesAreFound() throws Exception {
        recordMany(5);
        sql("UPDATE audit_log SET seq = 1000 WHERE seq = 3", "UPDATE audit_log SET seq = 3 WHERE seq = 4",
                "UPDATE audit_log SET seq = 4 WHERE seq = 1000");
        AuditVerification v = audit.verify();
        assertThat(v.firstBadSeq()).hasValue(3);
        assertThat(v.problem()).contains("does not link");
    }

    @Test
    void aReinsertedCopyOfAnOldEntryIsFound() throws Exception {
        recordMany(5);
        // Replay entry 2 as if it were the newest.
        sql("INSERT INTO audit_log (seq, occurred_at, tenant_id, owner_id, actor, action, outcome, ip, user_agent,"
                + " details, prev_hash, hash) SELECT 6, occurred_at, tenant_id, owner_id, actor, action, outcome, ip,"
                + " user_agent, details, prev_hash, hash FROM audit_log WHERE seq = 2");
        AuditVerification v = audit.verify();
        assertThat(v.firstBadSeq()).hasValue(6);
        assertThat(v.entriesChecked()).isEqualTo(6);
    }

    @Test
    void anInsertedEntryLinkedToTheLastIsFound() throws Exception {
        recordMany(3);
        sql("INSERT INTO audit_log (seq, occurred_at, tenant_id, owner_id, actor, action, outcome, ip, user_agent,"
                + " details, prev_hash, hash) SELECT 4, occurred_at, NULL, NULL, 'operator', 'user.delete', 'success',"
                + " '', '', '{}', hash, randomblob(32) FROM audit_log WHERE seq = 3");
        assertThat(audit.verify().firstBadSeq()).hasValue(4);
    }

    @Test
    void verificationPagesThroughLongLogs() throws Exception {
        recordMany(2500);
        assertThat(audit.verify()).isEqualTo(AuditVerification.intact(2500));
        sql("UPDATE audit_log SET ip = '198.51.100.7' WHERE seq = 2100");
        AuditVerification v = audit.verify();
        assertThat(v.firstBadSeq()).hasValue(2100);
        assertThat(v.entriesChecked()).isEqualTo(2100);
    }

    @Test
    void aDifferentKeyFindsTheWholeLogForeign() {
        recordMany(3);
        AuditLog other = new AuditLog(store, policy, new AuditChain(key(8)), Clock.systemUTC());
        assertThat(other.verify().firstBadSeq()).hasValue(1);
    }
}
