package org.postern.mta.dkim;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.postern.access.AccessPolicy;
import org.postern.access.Caller;
import org.postern.access.Scope;
import org.postern.crypto.MasterKeyRing;
import org.postern.model.ConflictException;
import org.postern.model.DomainName;
import org.postern.model.IntegrityException;
import org.postern.model.NotFoundException;
import org.postern.model.TenantId;
import org.postern.store.DkimAlgorithm;
import org.postern.store.DkimKey;
import org.postern.store.DkimKeyState;
import org.postern.store.Domain;
import org.postern.store.MetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosted domains' DKIM keys: generation, rotation, and the unsealed keys that sign mail. Private
 * keys are kept only sealed under the master key ring (AES-256-GCM) with the purpose naming the
 * tenant, domain and selector, so a sealed key moved to another row does not open.
 *
 * <p>A domain has one active pair (Ed25519 and RSA-2048). {@link #generate} makes a new pair under
 * fresh selectors and retires the previous one; retired keys sign nothing but stay listed (and
 * published by {@code ./postern dns}) until the operator removes them, so mail signed before the
 * rotation still verifies.
 */
public final class DkimKeys {
    private static final Logger LOG = LoggerFactory.getLogger(DkimKeys.class);
    static final int RSA_BITS = 2048;
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyyMM").withZone(ZoneOffset.UTC);
    private static final int MAX_GENERATIONS_PER_MONTH = 99;

    private final MetadataStore store;
    private final AccessPolicy policy;
    private final Supplier<MasterKeyRing> ring;
    private final Scope systemScope;
    private final Clock clock;

    /** @param systemScope the server-wide scope the wiring grants to signing and key rotation */
    public DkimKeys(MetadataStore store, AccessPolicy policy, Supplier<MasterKeyRing> ring, Scope systemScope,
            Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.ring = Objects.requireNonNull(ring, "ring");
        this.systemScope = Objects.requireNonNull(systemScope, "systemScope");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What the master key seals a private key for: binds it to its row. */
    static String purpose(TenantId tenant, DomainName domain, String selector) {
        return "postern-dkim-key|" + tenant + "|" + domain.ascii() + "|" + selector;
    }

    /**
     * Makes a new active pair (Ed25519 and RSA-2048) for a hosted domain and retires the active
     * keys it had, in one transaction. @return the domain's keys afterwards, oldest first
     * @throws NotFoundException if the caller cannot see such a hosted domain
     */
    public List<DkimKey> generate(Caller caller, DomainName domain) {
        Scope scope = policy.scopeFor(caller);
        KeyPair ed = newKeyPair("Ed25519", 0);
        KeyPair rsa = newKeyPair("RSA", RSA_BITS);
        Instant now = clock.instant();
        List<DkimKey> after = store.inTransaction(tx -> {
            Domain d = tx.domains().byName(scope, domain).orElseThrow(() -> new NotFoundException("no such domain: " + domain));
            Scope tenantScope = policy.tenantScope(caller, d.tenantId());
            List<DkimKey> existing = tx.dkimKeys().byDomain(tenantScope, domain);
            Set<String> taken = new HashSet<>();
            existing.forEach(k -> taken.add(k.selector()));
            String[] selectors = freshSelectors(now, taken);
            for (DkimKey k : existing) {
                if (k.state() == DkimKeyState.ACTIVE) {
                    tx.dkimKeys().setState(tenantScope, domain, k.selector(), DkimKeyState.RETIRED);
                }
            }
            MasterKeyRing r = ring.get();
            tx.dkimKeys().insert(tenantScope, sealed(r, d.tenantId(), domain, selectors[0], DkimAlgorithm.ED25519, ed, now));
            tx.dkimKeys().insert(tenantScope, sealed(r, d.tenantId(), domain, selectors[1], DkimAlgorithm.RSA_SHA256, rsa,
                    now));
            return tx.dkimKeys().byDomain(tenantScope, domain);
        });
        LOG.info("event=dkim.generated domain={} keys={}", domain, after.size());
        return after;
    }

    /** {@code pe<yyyymm>e} and {@code pe<yyyymm>r}, or with {@code -2}, {@code -3}... when this month's are taken. */
    static String[] freshSelectors(Instant now, Set<String> taken) {
        String base = "pe" + MONTH.format(now);
        for (int n = 1; n <= MAX_GENERATIONS_PER_MONTH; n++) {
            String stem = n == 1 ? base : base + "-" + n;
            String e = stem + "e";
            String r = stem + "r";
            if (!taken.contains(e) && !taken.contains(r)) {
                return new String[] {e, r};
            }
        }
        throw new ConflictException("too many DKIM keys generated this month; remove retired ones first");
    }

    private static KeyPair newKeyPair(String algorithm, int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            if (bits > 0) {
                g.initialize(bits);
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " key generation is not available", e);
        }
    }

    private static DkimKey sealed(MasterKeyRing ring, TenantId tenant, DomainName domain, String selector,
            DkimAlgorithm algorithm, KeyPair pair, Instant now) {
        byte[] pkcs8 = pair.getPrivate().getEncoded();
        try {
            byte[] sealed = ring.seal(purpose(tenant, domain, selector), pkcs8);
            return new DkimKey(tenant, domain, selector, algorithm, pair.getPublic().getEncoded(), sealed, now,
                    DkimKeyState.ACTIVE);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /** The domain's keys, oldest first; empty for a domain the caller cannot see. */
    public List<DkimKey> list(Caller caller, DomainName domain) {
        Scope scope = policy.scopeFor(caller);
        return store.inTransaction(tx -> tx.dkimKeys().byDomain(scope, domain));
    }

    /** Every key the caller can see. */
    public List<DkimKey> listAll(Caller caller) {
        Scope scope = policy.scopeFor(caller);
        return store.inTransaction(tx -> tx.dkimKeys().list(scope));
    }

    /**
     * Removes a retired key (its record should be unpublished first).
     * @throws NotFoundException if there is no such key
     * @throws ConflictException if the key is still active
     */
    public void remove(Caller caller, DomainName domain, String selector) {
        Scope scope = policy.scopeFor(caller);
        store.inTransaction(tx -> {
            DkimKey key = tx.dkimKeys().byDomain(scope, domain).stream().filter(k -> k.selector().equals(selector))
                    .findFirst().orElseThrow(() -> new NotFoundException("no DKIM key " + selector + " for " + domain));
            if (key.state() == DkimKeyState.ACTIVE) {
                throw new ConflictException("DKIM key " + selector + " is active; generate a new pair first");
            }
            Scope tenantScope = policy.tenantScope(caller, key.tenantId());
            return tx.dkimKeys().delete(tenantScope, domain, selector);
        });
        LOG.info("event=dkim.removed domain={} selector={}", domain, selector);
    }

    /**
     * The active keys that sign mail from {@code domain}, unsealed; empty when it has none.
     * @throws IntegrityException if a sealed key does not open (tampered, moved or its master key is gone)
     */
    public List<SigningKey> signingKeys(DomainName domain) {
        List<DkimKey> keys = store.inTransaction(tx -> tx.dkimKeys().byDomain(systemScope, domain));
        MasterKeyRing r = ring.get();
        List<SigningKey> out = new ArrayList<>();
        for (DkimKey k : keys) {
            if (k.state() == DkimKeyState.ACTIVE) {
                out.add(new SigningKey(k.domain(), k.selector(), k.algorithm(), unseal(r, k)));
            }
        }
        // Ed25519 first: receivers that know it are the ones that care (RFC 8463 §4).
        out.sort((a, b) -> a.algorithm().compareTo(b.algorithm()));
        return List.copyOf(out);
    }

    private static PrivateKey unseal(MasterKeyRing ring, DkimKey k) {
        byte[] pkcs8 = ring.unseal(purpose(k.tenantId(), k.domain(), k.selector()), k.sealedPrivateKey());
        try {
            String algorithm = k.algorithm() == DkimAlgorithm.ED25519 ? "Ed25519" : "RSA";
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IntegrityException("DKIM key " + k.selector() + " for " + k.domain() + " does not decode");
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /** Reseals every key not sealed under {@code next}'s active master key; for master-key rotation. */
    public int resealAll(MasterKeyRing next) {
        return store.inTransaction(tx -> {
            int n = 0;
            for (DkimKey k : tx.dkimKeys().list(systemScope)) {
                if (!MasterKeyRing.sealedKeyId(k.sealedPrivateKey()).equals(next.activeKeyId())) {
                    String purpose = purpose(k.tenantId(), k.domain(), k.selector());
                    byte[] plain = next.unseal(purpose, k.sealedPrivateKey());
                    try {
                        tx.dkimKeys().reseal(systemScope, k.domain(), k.selector(), next.seal(purpose, plain));
                    } finally {
                        Arrays.fill(plain, (byte) 0);
                    }
                    n++;
                }
            }
            return n;
        });
    }

    /** The master keys that sealed keys still name, so rotation keeps them. */
    public Set<String> masterKeyIdsInUse() {
        Set<String> ids = new HashSet<>();
        for (DkimKey k : store.inTransaction(tx -> tx.dkimKeys().list(systemScope))) {
            ids.add(MasterKeyRing.sealedKeyId(k.sealedPrivateKey()));
        }
        return ids;
    }

    /** The TXT record value to publish at {@code <selector>._domainkey.<domain>}. */
    public static String txtRecord(DkimKey key) {
        byte[] spki = key.publicKey();
        byte[] p = key.algorithm() == DkimAlgorithm.ED25519
                // RFC 8463 §4.2: the raw 32-byte key, which is the end of its X.509 encoding.
                ? Arrays.copyOfRange(spki, spki.length - 32, spki.length)
                : spki;
        return "v=DKIM1; k=" + key.algorithm().keyType() + "; p=" + java.util.Base64.getEncoder().encodeToString(p);
    }

}
