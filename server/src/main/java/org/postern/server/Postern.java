package org.postern.server;



import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.auth.AuthSettings;
import org.postern.auth.Identity;
import org.postern.auth.risk.IpLocator;
import org.postern.auth.risk.TableIpLocator;
import org.postern.auth.throttle.ThrottlePolicy;
import org.postern.crypto.OwnerOnlyFiles;
import org.postern.crypto.PasswordHasher;
import org.postern.mail.directory.Directory;
import org.postern.mail.keys.DataKeys;
import org.postern.mail.keys.FieldSealer;
import org.postern.mail.mailbox.Mailboxes;
import org.postern.mail.render.MessageRenderer;
import org.postern.mail.render.RenderLimits;
import org.postern.mail.webmail.Webmail;
import org.postern.mail.maintenance.Purger;
import org.postern.mail.maintenance.StoreVerifier;
import org.postern.mail.message.LocalDelivery;
import org.postern.mail.message.MessageReader;
import org.postern.mail.message.MessageWriter;
import org.postern.mail.message.SummaryCodec;
import org.postern.mail.message.SummaryParser;
import org.postern.mta.dkim.DkimKeys;
import org.postern.mta.outbound.OutboundQueue;
import org.postern.auth.admin.SendingLimits;
import org.postern.model.SubmissionLimits;
import org.postern.server.config.Config;
import org.postern.server.config.IdentityConfig;
import org.postern.server.config.MailApiConfig;
import org.postern.server.keys.AuditChainKey;
import org.postern.server.keys.FileSigningKeys;
import org.postern.server.keys.KeyRotation;
import org.postern.server.keys.MasterKeys;
import org.postern.server.keys.RelayCredentialsFile;
import org.postern.server.keys.SealedFile;
import org.postern.server.keys.TokenSigningKey;
import org.postern.server.tls.TlsMaterial;
import org.postern.store.MetadataStore;
import org.postern.store.blob.BlobStore;
import org.postern.store.blob.EncryptingBlobStore;
import org.postern.store.blob.FsBlobStore;
import org.postern.store.sql.SqlMetadataStore;

/**
 * The wiring: every service of one deployment, built with plain constructors from a
 * {@link Config}. The server and each admin CLI command open one of these on the same data
 * directory; they share the database and files, and nothing else.
 */
public final class Postern implements AutoCloseable {
    public static final String KEYS_DIR = "keys";
    public static final String MASTER_KEY_FILE = "master.keys";
    public static final String BLOBS_DIR = "blobs";

    private final Config config;
    private final SendingLimits sendingLimits;
    private final MasterKeys masterKeys;
    private final MetadataStore store;
    private final BlobStore rawBlobs;
    private final AccessPolicy policy = new AccessPolicy();
    private final DataKeys dataKeys;
    private final Directory directory;
    private final MessageWriter writer;
    private final MessageReader reader;
    private final LocalDelivery localDelivery;
    private final Mailboxes mailboxes;
    private final Webmail webmail;
    private final OutboundQueue outboundQueue;
    private final FileSigningKeys signingKeys;
    private final Identity identity;
    private final DkimKeys dkimKeys;
    private final Clock clock = Clock.systemUTC();

    private Postern(Config config) {
        this.config = config;
        Path dataDir = config.dataDir();
        OwnerOnlyFiles.createPrivateDirectory(dataDir);
        Path keysDir = dataDir.resolve(KEYS_DIR);
        this.masterKeys = MasterKeys.openOrCreate(keysDir.resolve(MASTER_KEY_FILE));
        // Generated with the master key, so that a fresh data dir has every secret it needs.
        TokenSigningKey.loadOrCreate(keysDir, masterKeys.get());
        byte[] auditKey = AuditChainKey.loadOrCreate(keysDir, masterKeys.get());
        this.signingKeys = new FileSigningKeys(keysDir, masterKeys::get);
        this.store = config.embeddedDatabase()
                ? SqlMetadataStore.openSqlite(config.embeddedDatabaseFile())
                : SqlMetadataStore.openPostgres(config.dbUrl().orElseThrow(), config.dbUser().orElse(null),
                        config.dbPassword().orElse(null), config.dbMigrationUser().orElse(null),
                        config.dbMigrationPassword().orElse(null));
        try {
            Path blobRoot = dataDir.resolve(BLOBS_DIR);
            OwnerOnlyFiles.createPrivateDirectory(blobRoot);
            this.rawBlobs = new FsBlobStore(blobRoot);
            Scope keyScope = policy.scopeFor(new Caller.System("data-keys"));
            this.dataKeys = new DataKeys(store, masterKeys, keyScope, clock);
            FieldSealer sealer = new FieldSealer(dataKeys);
            BlobStore blobs = new EncryptingBlobStore(rawBlobs, dataKeys);
            PasswordHasher hasher = new PasswordHasher(PasswordHasher.Params.DEFAULT);
            this.directory = new Directory(store, policy, dataKeys, sealer, hasher, clock, config.imap().quotaBytes());
            IdentityConfig ic = config.identity();
            AuthSettings defaults = AuthSettings.defaults("https://" + config.hostname());
            AuthSettings authSettings = new AuthSettings(defaults.issuer(), defaults.audience(),
                    ic.accessTokenLifetime(), ic.refreshTokenLifetime(), ic.sessionLifetime(), ic.sessionStatusMaxAge(),
                    defaults.inviteLifetime(), defaults.emailCodeLifetime(), defaults.mfaChallengeLifetime(),
                    defaults.maxCodeAttempts(), defaults.maxTravelKmh());
            ThrottlePolicy d = ThrottlePolicy.DEFAULT;
            ThrottlePolicy throttle = new ThrottlePolicy(d.freeFailures(), d.baseDelay(), d.maxDelay(),
                    ic.signInLockAfter(), ic.signInLockTime(), ic.signInLockTime(), d.ipLockAfter(), d.ipLockFor());
            IpLocator locator = ic.geoipTable().<IpLocator>map(TableIpLocator::load).orElseGet(TableIpLocator::empty);
            this.identity = new Identity(store, policy, directory, sealer, hasher, signingKeys, auditKey, locator,
                    throttle, authSettings, clock);
            // Identity keeps only keys derived from it; this copy of the secret goes now.
            java.util.Arrays.fill(auditKey, (byte) 0);
            SummaryCodec summaries = new SummaryCodec(sealer);
            this.writer = new MessageWriter(store, blobs, new SummaryParser(SummaryParser.Limits.DEFAULT), summaries,
                    clock);
            this.reader = new MessageReader(store, blobs, summaries);
            this.localDelivery = new LocalDelivery(store, policy, writer);
            this.mailboxes = new Mailboxes(store, policy, writer, reader, clock);
            this.dkimKeys = new DkimKeys(store, policy, masterKeys, policy.scopeFor(new Caller.System("dkim")), clock);
            RenderLimits r = RenderLimits.DEFAULT;
            MailApiConfig m = config.mailApi();
            this.webmail = new Webmail(store, policy, mailboxes, reader, new MessageRenderer(new RenderLimits(
                    m.renderMaxParts(), r.maxDepth(), r.maxTextBytes(), r.maxTotalTextBytes(),
                    Math.max(1, config.maxMessageBytes()))),
                    new Webmail.Limits(m.pageMax(), m.sortMaxMessages(), m.searchMaxScan(), m.searchMaxBodies()));
            this.outboundQueue = new OutboundQueue(store, blobs, policy, clock, config.outbound().maxQueueTime());
            this.sendingLimits = new SendingLimits(store, policy, identity.audit(), serverSendingLimits(config));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    public static Postern open(Config config) {
        return new Postern(config);
    }

    /** The configuration's submission limits: every tenant's defaults, and the ceiling for tenant admins. */
    public static SubmissionLimits serverSendingLimits(Config config) {
        return new SubmissionLimits(config.submission().maxMessageBytes(), config.submission().maxRecipients(),
                config.submission().messagesPerHourPerUser());
    }

    /** Per-tenant submission limits: what is in force, and who may change them. */
    public SendingLimits sendingLimits() {
        return sendingLimits;
    }

    public Config config() {
        return config;
    }

    public AccessPolicy policy() {
        return policy;
    }

    public MetadataStore store() {
        return store;
    }

    public Directory directory() {
        return directory;
    }

    public DataKeys dataKeys() {
        return dataKeys;
    }

    public MessageWriter writer() {
        return writer;
    }

    public MessageReader reader() {
        return reader;
    }

    /** The one authority on who a caller is (sign-in, tokens, app passwords, MFA, audit log). */
    public Identity identity() {
        return identity;
    }

    public FileSigningKeys signingKeys() {
        return signingKeys;
    }

    /** A signed-in user's own mailboxes, for IMAP. */
    public Mailboxes mailboxes() {
        return mailboxes;
    }

    /** Hosted domains' DKIM keys (generated by the CLI, used by submission to sign). */
    public DkimKeys dkimKeys() {
        return dkimKeys;
    }

    /** A signed-in user's mail for the JSON API: reading, rendering, flags, moves, search. */
    public Webmail webmail() {
        return webmail;
    }

    /** Mail waiting for remote delivery: enqueue (through Intake), inspection and control. */
    public OutboundQueue outboundQueue() {
        return outboundQueue;
    }

    public LocalDelivery localDelivery() {
        return localDelivery;
    }

    public Clock clock() {
        return clock;
    }

    /** {@code <data-dir>/keys}: the master key ring and the files sealed under it. */
    public Path keysDir() {
        return config.dataDir().resolve(KEYS_DIR);
    }

    public MasterKeys masterKeys() {
        return masterKeys;
    }

    public StoreVerifier verifier() {
        return new StoreVerifier(store, rawBlobs, reader, policy.scopeFor(new Caller.System("verifier")));
    }

    public Purger purger() {
        return new Purger(store, rawBlobs, policy.scopeFor(new Caller.System("purger")), clock);
    }

    /** The files sealed under the master key, which rotation reseals and backups hold; absent ones are skipped. */
    public List<SealedFile> sealedFiles() {
        return List.of(
                new SealedFile(config.dataDir().resolve(KEYS_DIR).resolve(TokenSigningKey.FILE_NAME), TokenSigningKey.PURPOSE),
                new SealedFile(config.dataDir().resolve(KEYS_DIR).resolve(TokenSigningKey.PREVIOUS_FILE_NAME),
                        TokenSigningKey.PURPOSE),
                new SealedFile(config.dataDir().resolve(KEYS_DIR).resolve(AuditChainKey.FILE_NAME), AuditChainKey.PURPOSE),
                new SealedFile(TlsMaterial.sealedKeyFile(config.dataDir()), TlsMaterial.SEALED_KEY_PURPOSE),
                new SealedFile(keysDir().resolve(RelayCredentialsFile.FILE_NAME), RelayCredentialsFile.PURPOSE));
    }

    public KeyRotation keyRotation() {
        return new KeyRotation(masterKeys, dataKeys, dkimKeys, sealedFiles());
    }

    /** True when the database answers; for the readiness probe. */
    public boolean ready() {
        try {
            // One indexed lookup: enough to prove the database answers, cheap enough for every probe.
            store.inTransaction(tx -> tx.tenants().byName(policy.scopeFor(new Caller.System("readiness")),
                    Directory.DEFAULT_TENANT));
            return Files.isDirectory(config.dataDir().resolve(BLOBS_DIR));
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        store.close();
    }

}
