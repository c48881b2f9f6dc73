package org.postern.server.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.crypto.MasterKeyRing;
import org.postern.model.ConflictException;
import org.postern.model.DomainName;
import org.postern.model.IntegrityException;
import org.postern.model.NotFoundException;
import org.postern.model.Role;
import org.postern.model.UserId;
import org.postern.mta.dkim.DkimKeys;
import org.postern.mta.dkim.SigningKey;
import org.postern.store.DkimAlgorithm;
import org.postern.store.DkimKey;
import org.postern.store.DkimKeyState;
import org.postern.store.Tenant;
import org.postern.store.sql.SqlMetadataStore;

/** DKIM keys on a real SQLite store and master key ring: sealing bound to the row, rotation, retirement. */
class DkimKeysTest {
    private static final Caller OPERATOR = new Caller.Operator();
    private static final DomainName A = new DomainName("a.example");
    private static final DomainName B = new DomainName("b.example");

    @TempDir
    Path tmp;
    SqlMetadataStore store;
    MasterKeys masterKeys;
    final AccessPolicy policy = new AccessPolicy();
    MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    DkimKeys keys;
    Tenant tenantA;
    Tenant tenantB;

    @BeforeEach
    void setUp() {
        store = SqlMetadataStore.openSqlite(tmp.resolve("meta.db"));
        masterKeys = MasterKeys.openOrCreate(tmp.resolve("keys").resolve("master.keys"));
        keys = new DkimKeys(store, policy, masterKeys, policy.scopeFor(new Caller.System("dkim")), clock);
        Scope server = policy.scopeFor(OPERATOR);
        tenantA = store.inTransaction(tx -> tx.tenants().create(server, "ta"));
        tenantB = store.inTransaction(tx -> tx.tenants().create(server, "tb"));
        store.inTransaction(tx -> tx.domains().add(server, tenantA.id(), A));
        store.inTransaction(tx -> tx.domains().add(server, tenantB.id(), B));
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private List<DkimKey> stored(DomainName d) {
        return store.inTransaction(tx -> tx.dkimKeys().byDomain(policy.scopeFor(OPERATOR), d));
    }

    private static boolean signsFor(SigningKey signing, DkimKey stored) throws Exception {
        String algorithm = stored.algorithm() == DkimAlgorithm.ED25519 ? "Ed25519" : "SHA256withRSA";
        PublicKey pub = KeyFactory.getInstance(stored.algorithm() == DkimAlgorithm.ED25519 ? "Ed25519" : "RSA")
                .generatePublic(new X509EncodedKeySpec(stored.publicKey()));
        Signature s = Signature.getInstance(algorithm);
        s.initSign(signing.key());
        s.update(new byte[] {1, 2, 3});
        byte[] sig = s.sign();
        Signature v = Signature.getInstance(algorithm);
        v.initVerify(pub);
        v.update(new byte[] {1, 2, 3});
        return v.verify(sig);
    }

    @Test
    void generateStoresAnActivePairWhosePrivateKeysAreSealedAndMatchThePublishedOnes() throws Exception {
        List<DkimKey> made = keys.generate(OPERATOR, A);
        assertThat(made).extracting(DkimKey::selector).containsExactly("pe202611e", "pe202611r");
        assertThat(made).extracting(DkimKey::state).containsOnly(DkimKeyState.ACTIVE);
        List<SigningKey> signing = keys.signingKeys(A);
        assertThat(signing).extracting(SigningKey::algorithm).containsExactly(DkimAlgorithm.ED25519, DkimAlgorithm.RSA_SHA256);
        for (int i = 0; i < 2; i++) {
            DkimKey row = made.get(i);
            byte[] pkcs8 = signing.get(i).key().getEncoded();
            assertThat(MasterKeyRing.sealedKeyId(row.sealedPrivateKey())).isEqualTo(masterKeys.get().activeKeyId());
            assertThat(indexOf(row.sealedPrivateKey(), pkcs8)).as("no plaintext key in the row").isNegative();
            assertThat(signsFor(signing.get(i), row)).isTrue();
        }
        assertThat(((java.security.interfaces.RSAKey) signing.get(1).key()).getModulus().bitLength()).isEqualTo(2048);
        assertThat(keys.signingKeys(B)).isEmpty();
    }

    @Test
    void aSealedKeyMovedToAnotherSelectorOrDomainDoesNotOpen() {
        keys.generate(OPERATOR, A);
        keys.generate(OPERATOR, B);
        DkimKey aEd = stored(A).get(0);
        DkimKey aRsa = stored(A).get(1);
        Scope server = policy.scopeFor(OPERATOR);
        // Swap the two sealed keys of domain A between their rows.
        store.inTransaction(tx -> tx.dkimKeys().reseal(server, A, aEd.selector(), aRsa.sealedPrivateKey()));
        assertThatThrownBy(() -> keys.signingKeys(A)).isInstanceOf(IntegrityException.class);
        // Put A's key, same selector name, on domain B.
        DkimKey bEd = stored(B).get(0);
        assertThat(bEd.selector()).isEqualTo(aEd.selector());
        store.inTransaction(tx -> tx.dkimKeys().reseal(server, B, bEd.selector(), aEd.sealedPrivateKey()));
        assertThatThrownBy(() -> keys.signingKeys(B)).isInstanceOf(IntegrityException.class);
    }

    @Test
    void aSecondGenerationRetiresTheFirstAndOnlyRetiredKeysCanBeRemoved() {
        keys.generate(OPERATOR, A);
        clock.advance(java.time.Duration.ofDays(1));
        List<DkimKey> after = keys.generate(OPERATOR, A);
        assertThat(after).extracting(k -> k.selector() + " " + k.state()).containsExactly(
                "pe202611e RETIRED", "pe202611r RETIRED", "pe202611-2e ACTIVE", "pe202611-2r ACTIVE");
        assertThat(keys.signingKeys(A)).extracting(SigningKey::selector).containsExactly("pe202611-2e", "pe202611-2r");
        assertThatThrownBy(() -> keys.remove(OPERATOR, A, "pe202611-2e")).isInstanceOf(ConflictException.class);
        keys.remove(OPERATOR, A, "pe202611e");
        assertThatThrownBy(() -> keys.remove(OPERATOR, A, "pe202611e")).isInstanceOf(NotFoundException.class);
        assertThat(keys.list(OPERATOR, A)).extracting(DkimKey::selector)
                .containsExactly("pe202611r", "pe202611-2e", "pe202611-2r");
    }

    @Test
    void aTenantAdminManagesOnlyTheirOwnDomainsKeys() {
        Caller adminA = new Caller.User(tenantA.id(), UserId.random(), Role.TENANT_ADMIN);
        Caller userA = new Caller.User(tenantA.id(), UserId.random(), Role.USER);
        assertThatThrownBy(() -> keys.generate(adminA, B)).isInstanceOf(NotFoundException.class);
        assertThat(stored(B)).isEmpty();
        assertThat(keys.generate(adminA, A)).hasSize(2);
        assertThat(keys.list(adminA, B)).isEmpty();
        assertThatThrownBy(() -> keys.generate(userA, A)).isInstanceOf(org.postern.model.AccessDeniedException.class);
    }

    @Test
    void masterKeyRotationResealsEveryKeyUnderTheNewMasterKey() {
        keys.generate(OPERATOR, A);
        keys.generate(OPERATOR, B);
        String old = masterKeys.get().activeKeyId();
        MasterKeyRing next = masterKeys.get().withNewActiveKey();
        masterKeys.replace(next);
        assertThat(keys.masterKeyIdsInUse()).containsExactly(old);
        assertThat(keys.resealAll(next)).isEqualTo(4);
        assertThat(keys.resealAll(next)).isZero();
        assertThat(keys.masterKeyIdsInUse()).containsExactly(next.activeKeyId());
        masterKeys.replace(next.withoutKey(old));
        assertThat(keys.signingKeys(A)).hasSize(2);
        assertThat(keys.signingKeys(B)).hasSize(2);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
