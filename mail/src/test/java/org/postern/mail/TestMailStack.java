package org.postern.mail;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.crypto.MasterKeyRing;
import org.postern.crypto.PasswordHasher;
import org.postern.mail.directory.Directory;
import org.postern.mail.keys.DataKeys;
import org.postern.mail.keys.FieldSealer;
import org.postern.mail.mailbox.Mailboxes;
import org.postern.mail.maintenance.Purger;
import org.postern.mail.maintenance.StoreVerifier;
import org.postern.mail.message.MessageReader;
import org.postern.mail.message.MessageWriter;
import org.postern.mail.message.SummaryCodec;
import org.postern.mail.message.SummaryParser;
import org.postern.store.blob.EncryptingBlobStore;
import org.postern.store.blob.FsBlobStore;
import org.postern.store.sql.SqlMetadataStore;

/** The mail services over a real SQLite database, real files and real keys in a temp directory. */
public final class TestMailStack implements AutoCloseable {
    public final Path dir;
    public final AccessPolicy policy = new AccessPolicy();
    public final AtomicReference<MasterKeyRing> ring;
    public final SqlMetadataStore store;
    public final FsBlobStore rawBlobs;
    public final DataKeys dataKeys;
    public final FieldSealer sealer;
    public final Directory directory;
    public final MessageWriter writer;
    public final MessageReader reader;
    public final StoreVerifier verifier;
    public final Purger purger;
    public final Mailboxes mailboxes;

    public TestMailStack(Path dir) {
        this(dir, Clock.systemUTC());
    }

    public TestMailStack(Path dir, Clock clock) {
        this.dir = dir;
        this.ring = new AtomicReference<>(MasterKeyRing.loadOrCreate(dir.resolve("keys/master.keys")));
        this.store = SqlMetadataStore.openSqlite(dir.resolve("postern.db"));
        this.rawBlobs = new FsBlobStore(dir.resolve("blobs"));
        this.dataKeys = new DataKeys(store, ring::get, policy.scopeFor(new Caller.System("test")), clock);
        this.sealer = new FieldSealer(dataKeys);
        EncryptingBlobStore blobs = new EncryptingBlobStore(rawBlobs, dataKeys);
        // Small Argon2 parameters: these tests are about storage, not password cost.
        this.directory = new Directory(store, policy, dataKeys, sealer,
                new PasswordHasher(new PasswordHasher.Params(1024, 1, 1)), clock);
        SummaryCodec codec = new SummaryCodec(sealer);
        this.writer = new MessageWriter(store, blobs, new SummaryParser(SummaryParser.Limits.DEFAULT), codec, clock);
        this.reader = new MessageReader(store, blobs, codec);
        this.verifier = new StoreVerifier(store, rawBlobs, reader, policy.scopeFor(new Caller.Operator()));
        this.purger = new Purger(store, rawBlobs, policy.scopeFor(new Caller.Operator()), clock);
        this.mailboxes = new Mailboxes(store, policy, writer, reader, clock);
    }

    @Override
    public void close() {
        store.close();
    }
}
