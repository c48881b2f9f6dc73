package org.postern.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.auth.account.Invitations;
import org.postern.auth.account.Notifier;
import org.postern.auth.audit.AuditVerification;
import org.postern.auth.mfa.MfaConfirmed;
import org.postern.auth.mfa.TotpSetup;
import org.postern.auth.risk.TableIpLocator;
import org.postern.auth.signin.ClientInfo;
import org.postern.auth.signin.Principal;
import org.postern.auth.signin.SignInResult;
import org.postern.auth.signin.TokenPair;
import org.postern.auth.throttle.ThrottlePolicy;
import org.postern.auth.token.AccessTokens;
import org.postern.auth.token.SigningKey;
import org.postern.auth.token.SigningKeys;
import org.postern.auth.totp.Totp;
import org.postern.crypto.MasterKeyRing;
import org.postern.crypto.PasswordHasher;
import org.postern.mail.directory.Directory;
import org.postern.mail.keys.DataKeys;
import org.postern.mail.keys.FieldSealer;
import org.postern.model.DomainName;
import org.postern.model.EmailAddress;
import org.postern.model.Role;
import org.postern.model.TenantId;
import org.postern.store.User;
import org.postern.store.identity.AuditEntry;
import org.postern.store.identity.RiskMode;
import org.postern.store.identity.SessionLevel;
import org.postern.store.sql.SqlMetadataStore;

/**
 * The identity services wired as the server wires them ({@code Postern}), over a real SQLite
 * database and real keys in a temporary directory, with a clock the test moves and cheap Argon2id
 * parameters. Two tenants: {@code example.org} (tenant "acme") and {@code other.test} (tenant
 * "globex"). The geo table puts 10.1.0.0/16 in Paris and 10.2.0.0/16 in Sydney.
 *
 * <p>After each test the audit chain must verify, and no entry may contain any secret the test
 * registered with {@link #secret} (every password, token and code the helpers hand out is).
 */
public abstract class IdentityFixture {
    public static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
    public static final ObjectMapper JSON = new ObjectMapper();
    /** 1 MiB, one pass: these tests are about rules, not password cost. */
    public static final PasswordHasher.Params CHEAP = new PasswordHasher.Params(1024, 1, 1);
    /** Like the default, but delays of a millisecond and a lock after five failures of a pair. */
    public static final ThrottlePolicy THROTTLE = new ThrottlePolicy(3, Duration.ofMillis(1), Duration.ofMillis(2), 5,
            Duration.ofMinutes(15), Duration.ofMinutes(15), 40, Duration.ofMinutes(15));
    public static final int LOCK_AFTER = 5;

    /** Paris (10.1.0.0/16), home browser. */
    public static final ClientInfo HOME = new ClientInfo("10.1.0.5", "Firefox/140 (home laptop)");
    /** Paris, another device. */
    public static final ClientInfo PHONE = new ClientInfo("10.1.0.9", "Safari/19 (phone)");
    /** Sydney (10.2.0.0/16), the home browser's User-Agent. */
    public static final ClientInfo SYDNEY = new ClientInfo("10.2.0.7", "Firefox/140 (home laptop)");
    /** An address the geo table does not know. */
    public static final ClientInfo ATTACKER = new ClientInfo("192.0.2.66", "curl/8.9");

    @TempDir
    public Path dir;

    public MutableClock clock;
    public SqlMetadataStore store;
    public final AccessPolicy policy = new AccessPolicy();
    public MasterKeyRing ring;
    public DataKeys dataKeys;
    public FieldSealer sealer;
    public PasswordHasher hasher;
    public Directory directory;
    public TestSigningKeys signingKeys;
    public byte[] auditKey;
    public TableIpLocator locator;
    public AuthSettings settings;
    public Identity identity;
    public Totp totp;
    /** Every secret handed out or typed in this test: none may reach the audit log. */
    public final List<String> secrets = new ArrayList<>();

    public final Caller operator = new Caller.Operator();


    /** One in-memory ES256 key, as {@code FileSigningKeys} would hold it. */
    public static final class TestSigningKeys implements SigningKeys {
        private final SigningKey key;

        public TestSigningKeys() {
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                KeyPair pair = g.generateKeyPair();
                ECPublicKey pub = (ECPublicKey) pair.getPublic();
                this.key = new SigningKey(AccessTokens.thumbprint(pub), pub, (ECPrivateKey) pair.getPrivate());
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public SigningKey active() {
            return key;
        }

        @Override
        public List<SigningKey> verificationKeys() {
            return List.of(key);
        }
    }

    /** A user the fixture made, with the password it chose. */
    public record Account(User user, String password) {
        public String login() {
            return user.login().toString();
        }

        public Caller.User caller() {
            return new Caller.User(user.tenantId(), user.id(), user.role());
        }
    }

    /** The user's authenticator app. */
    public final class Phone {
        private final byte[] secret;

        public Phone(String base32) {
            this.secret = base32(base32);
        }

        /** The code of the clock's current step (registered as a secret). */
        public String code() {
            return codeAt(totp.currentStep());
        }

        public String codeAt(long step) {
            return secret(totp.codeAt(secret, step));
        }

        /** Moves the clock to the next 30-second step and gives its code. */
        public String nextCode() {
            clock.advance(Totp.STEP);
            return code();
        }
    }

    /** TOTP switched on: the phone, the ten recovery codes, and the full session enrolment opened. */
    public record Enrolled(Phone phone, List<String> recoveryCodes, TokenPair tokens) {}

    /** Settings of the fixture's identity; a test class may override. */
    protected AuthSettings settings() {
        return new AuthSettings("https://mail.example.org", "postern", Duration.ofMinutes(15), Duration.ofDays(7),
                Duration.ofDays(30), Duration.ofSeconds(30), Duration.ofDays(7), Duration.ofMinutes(15),
                Duration.ofMinutes(5), 5, 900.0);
    }

    @BeforeEach
    void openIdentity() throws Exception {
        clock = new MutableClock(T0);
        store = SqlMetadataStore.openSqlite(dir.resolve("postern.db"));
        ring = MasterKeyRing.loadOrCreate(dir.resolve("keys/master.keys"));
        dataKeys = new DataKeys(store, () -> ring, policy.scopeFor(new Caller.System("data-keys")), clock);
        sealer = new FieldSealer(dataKeys);
        hasher = new PasswordHasher(CHEAP);
        directory = new Directory(store, policy, dataKeys, sealer, hasher, clock);
        signingKeys = new TestSigningKeys();
        auditKey = new byte[32];
        new java.security.SecureRandom().nextBytes(auditKey);
        Path geo = dir.resolve("geo.csv");
        Files.writeString(geo, """
                # cidr,latitude,longitude
                10.1.0.0/16,48.8566,2.3522
                10.2.0.0/16,-33.8688,151.2093
                """, StandardCharsets.UTF_8);
        locator = TableIpLocator.load(geo);
        settings = settings();
        identity = newNode();
        totp = new Totp(clock);
        directory.addTenant(operator, "acme");
        directory.addTenant(operator, "globex");
        directory.addDomain(operator, DomainName.parse("example.org"), Optional.of("acme"));
        directory.addDomain(operator, DomainName.parse("other.test"), Optional.of("globex"));
    }

    /** Another instance over the same database and keys: a second node of the deployment. */
    public Identity newNode() {
        return newNode(settings);
    }

    public Identity newNode(AuthSettings with) {
        return new Identity(store, policy, directory, sealer, hasher, signingKeys, auditKey, locator, THROTTLE, with,
                clock);
    }

    @AfterEach
    void checkAuditAndClose() {
        try {
            AuditVerification v = identity.audit().verify();
            assertThat(v.ok()).as("audit chain: %s", v.problem()).isTrue();
            List<AuditEntry> all = auditEntries();
            assertThat(v.entriesChecked()).isEqualTo(all.size());
            for (AuditEntry e : all) {
                String text = String.join("\u0000", e.actor(), e.action(), e.outcome(), e.ip(), e.userAgent(),
                        e.details());
                for (String s : secrets) {
                    assertThat(containsSecret(text, s)).as("audit entry %d (%s) holds secret %s: %s", e.seq(),
                            e.action(), s, e.details()).isFalse();
                }
            }
        } finally {
            store.close();
        }
    }

    static boolean containsSecret(String text, String secret) {
        if (secret.length() <= 8 && secret.chars().allMatch(Character::isDigit)) {
            // Short numeric codes: as a word, so a digit run inside a UUID or a count does not count.
            return Pattern.compile("(?<![0-9A-Za-z])" + secret + "(?![0-9A-Za-z])").matcher(text).find();
        }
        String lower = text.toLowerCase(Locale.ROOT);
        return lower.contains(secret.toLowerCase(Locale.ROOT))
                || lower.contains(secret.replace("-", "").toLowerCase(Locale.ROOT));
    }

    /** Registers a secret for the end-of-test audit scan; returns it. */
    public String secret(String s) {
        secrets.add(s);
        return s;
    }

    // ---- accounts ------------------------------------------------------------------------------

    /** A verified account made by the operator (as {@code ./postern user add}), password registered as a secret. */
    public Account account(String login, Role role) {
        String password = secret(login.substring(0, login.indexOf('@')) + " rides the quiet harbour ferry 47");
        User u = directory.addUser(operator, EmailAddress.parse(login), role, password.toCharArray());
        return new Account(u, password);
    }

    public Account user(String login) {
        return account(login, Role.USER);
    }

    public Account reload(Account a) {
        User u = directory.user(operator, a.user().login()).orElseThrow();
        return new Account(u, a.password());
    }

    public TenantId tenant(String name) {
        return directory.tenants(operator).stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow().id();
    }

    /** Sets a tenant's policy as the operator would. */
    public void tenantPolicy(String tenantName, boolean requireMfa, RiskMode mode) {
        identity.tenantSecurity().setPolicy(operator, tenant(tenantName), requireMfa, mode, ClientInfo.local("test"));
    }

    /** Invites {@code login} as the operator and accepts with a fresh password and {@code ownAddress}. */
    public Account invited(String login, Role role, String ownAddress) {
        Invitations.Created created = identity.invitations().create(operator, EmailAddress.parse(login), role,
                ClientInfo.local("test"));
        secret(created.token());
        String password = secret(login.substring(0, login.indexOf('@')) + " invited across the windy moor 93");
        User u = identity.invitations().accept(created.token(), password.toCharArray(), EmailAddress.parse(ownAddress),
                HOME);
        return new Account(u, password);
    }

    // ---- signing in ----------------------------------------------------------------------------

    public SignInResult signIn(Account a, ClientInfo client) {
        return signIn(a.login(), a.password(), client);
    }

    public SignInResult signIn(String login, String password, ClientInfo client) {
        SignInResult r = identity.signIn().withPassword(login, password.toCharArray(), client);
        register(r);
        return r;
    }

    public SignInResult secondFactor(String challenge, String code, ClientInfo client) {
        SignInResult r = identity.signIn().withSecondFactor(challenge, code, client);
        register(r);
        return r;
    }

    public void register(SignInResult r) {
        switch (r) {
            case SignInResult.SignedIn s -> register(s.tokens());
            case SignInResult.SecondFactorRequired c -> secret(c.challenge());
            case SignInResult.Refused x -> { }
        }
    }

    public TokenPair register(TokenPair t) {
        secret(t.accessToken());
        secret(t.refreshToken());
        return t;
    }

    /** Signs in with the password alone, which must give tokens. */
    public TokenPair tokens(Account a, ClientInfo client) {
        SignInResult r = signIn(a, client);
        assertThat(r).as("sign-in of %s", a.login()).isInstanceOf(SignInResult.SignedIn.class);
        return ((SignInResult.SignedIn) r).tokens();
    }

    /** Signs in with password and TOTP (at the next step), which must give tokens. */
    public TokenPair tokens(Account a, Phone phone, ClientInfo client) {
        SignInResult first = signIn(a, client);
        assertThat(first).isInstanceOf(SignInResult.SecondFactorRequired.class);
        SignInResult second = secondFactor(((SignInResult.SecondFactorRequired) first).challenge(), phone.nextCode(),
                client);
        assertThat(second).isInstanceOf(SignInResult.SignedIn.class);
        return ((SignInResult.SignedIn) second).tokens();
    }

    public Principal principal(TokenPair t) {
        return identity.bearer().authenticate(t.accessToken());
    }

    public Principal principal(Account a) {
        return principal(tokens(a, HOME));
    }

    /** Enrols TOTP for {@code a} (signing in from HOME), confirming with the current step's code. */
    public Enrolled enrol(Account a) {
        TokenPair t = tokens(a, HOME);
        Principal p = principal(t);
        TotpSetup setup = identity.mfa().begin(p, HOME);
        secret(setup.secretBase32());
        Phone phone = new Phone(setup.secretBase32());
        MfaConfirmed confirmed = identity.mfa().confirm(p, phone.code(), HOME);
        register(confirmed.tokens());
        confirmed.recoveryCodes().forEach(this::secret);
        assertThat(confirmed.tokens().level()).isEqualTo(SessionLevel.FULL);
        return new Enrolled(phone, confirmed.recoveryCodes(), confirmed.tokens());
    }

    // ---- outbox and audit ----------------------------------------------------------------------

    public List<Notifier.Notice> outbox() {
        return identity.notifier().read(operator, 500);
    }

    public List<Notifier.Notice> outbox(String recipient, String kind) {
        return outbox().stream().filter(n -> n.recipient().toString().equals(recipient) && n.kind().equals(kind))
                .toList();
    }

    /** The 8-digit code in the newest notice of {@code kind} to {@code recipient}, registered as a secret. */
    public String codeSentTo(String recipient, String kind) {
        List<Notifier.Notice> notices = outbox(recipient, kind);
        assertThat(notices).as("%s notices to %s", kind, recipient).isNotEmpty();
        assertThat(notices.stream().filter(n -> n.createdAt().equals(notices.getFirst().createdAt())))
                .as("which %s notice is newest is ambiguous: move the clock between sends", kind).hasSize(1);
        Matcher m = Pattern.compile("\\b(\\d{8})\\b").matcher(notices.getFirst().body());
        assertThat(m.find()).as(notices.getFirst().body()).isTrue();
        return secret(m.group(1));
    }

    /** The whole log, oldest first. */
    public List<AuditEntry> auditEntries() {
        var scope = policy.scopeFor(operator);
        return store.inTransaction(tx -> tx.audit().scan(scope, 0, 10_000));
    }

    public List<AuditEntry> audit(String action) {
        return auditEntries().stream().filter(e -> e.action().equals(action)).toList();
    }

    public List<AuditEntry> audit(String action, String outcome) {
        return audit(action).stream().filter(e -> e.outcome().equals(outcome)).toList();
    }

    public AuditEntry lastAudit(String action) {
        List<AuditEntry> found = audit(action);
        assertThat(found).as("audit entries %s", action).isNotEmpty();
        return found.getLast();
    }

    public static Map<String, String> details(AuditEntry e) {
        try {
            JsonNode n = JSON.readTree(e.details());
            Map<String, String> out = new java.util.TreeMap<>();
            n.properties().forEach(p -> out.put(p.getKey(), p.getValue().asText()));
            return out;
        } catch (java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    public static String actor(Account a) {
        return "user:" + a.user().id();
    }

    /** Fluent checks of one audit entry. */
    public record AuditEntryCheck(AuditEntry entry) {
        public static AuditEntryCheck of(AuditEntry entry) {
            return new AuditEntryCheck(entry);
        }

        public AuditEntryCheck by(String actor) {
            assertThat(entry.actor()).as("actor of %s", entry.action()).isEqualTo(actor);
            return this;
        }

        /** The subject is {@code a}, in a's tenant. */
        public AuditEntryCheck about(Account a) {
            assertThat(entry.subject()).as("subject of %s", entry.action()).contains(a.user().id());
            assertThat(entry.tenantId()).as("tenant of %s", entry.action()).contains(a.user().tenantId());
            return this;
        }

        public AuditEntryCheck outcome(String outcome) {
            assertThat(entry.outcome()).as("outcome of %s", entry.action()).isEqualTo(outcome);
            return this;
        }

        public AuditEntryCheck from(ClientInfo client) {
            assertThat(entry.ip()).isEqualTo(client.ip());
            assertThat(entry.userAgent()).isEqualTo(client.userAgent());
            return this;
        }

        public AuditEntryCheck detail(String key, String value) {
            assertThat(details(entry)).as("details of %s", entry.action()).containsEntry(key, value);
            return this;
        }
    }

    static byte[] base32(String text) {
        return org.postern.auth.totp.Totp.fromBase32(text);
    }
}
