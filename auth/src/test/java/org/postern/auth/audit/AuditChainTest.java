package org.postern.auth.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.postern.model.TenantId;
import org.postern.model.UserId;
import org.postern.store.identity.AuditEntry;

class AuditChainTest {
    private static final byte[] KEY = new byte[32];
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00.123456Z");
    private final AuditChain chain = new AuditChain(KEY);
    private final TenantId tenant = TenantId.random();
    private final UserId user = UserId.random();

    static {
        for (int i = 0; i < KEY.length; i++) {
            KEY[i] = (byte) (i + 1);
        }
    }

    private AuditEvent event(String action, Map<String, String> details) {
        return new AuditEvent(Optional.of(tenant), Optional.of(user), "user:" + user, action, "success",
                "203.0.113.9", "Mozilla/5.0", details);
    }

    private List<AuditEntry> log(int n) {
        List<AuditEntry> entries = new ArrayList<>();
        Optional<AuditEntry> last = Optional.empty();
        for (int i = 0; i < n; i++) {
            AuditEntry e = chain.next(last, event("action" + i, Map.of("i", Integer.toString(i))), T0.plusSeconds(i));
            entries.add(e);
            last = Optional.of(e);
        }
        return entries;
    }

    private static AuditEntry with(AuditEntry e, UnaryOperator<Object[]> change) {
        Object[] f = {e.seq(), e.at(), e.tenantId(), e.subject(), e.actor(), e.action(), e.outcome(), e.ip(),
                e.userAgent(), e.details(), e.prevHash(), e.hash()};
        Object[] g = change.apply(f.clone());
        @SuppressWarnings("unchecked")
        AuditEntry changed = new AuditEntry((long) g[0], (Instant) g[1], (Optional<TenantId>) g[2],
                (Optional<UserId>) g[3], (String) g[4], (String) g[5], (String) g[6], (String) g[7], (String) g[8],
                (String) g[9], (byte[]) g[10], (byte[]) g[11]);
        return changed;
    }

    @Test
    void theFirstEntryStartsAtOneAfterZeroes() {
        AuditEntry first = chain.next(Optional.empty(), event("signin", Map.of()), T0);
        assertThat(first.seq()).isEqualTo(1);
        assertThat(first.prevHash()).isEqualTo(new byte[32]);
        assertThat(first.hash()).hasSize(32);
        assertThat(first.at()).isEqualTo(Instant.parse("2026-03-01T12:00:00.123Z"));
        assertThat(first.details()).isEqualTo("{}");
        assertThat(chain.linkValid(Optional.empty(), first)).isTrue();
    }

    @Test
    void eachEntryLinksToTheOneBefore() {
        List<AuditEntry> entries = log(5);
        for (int i = 1; i < entries.size(); i++) {
            assertThat(entries.get(i).seq()).isEqualTo(i + 1);
            assertThat(entries.get(i).prevHash()).isEqualTo(entries.get(i - 1).hash());
            assertThat(chain.linkValid(Optional.of(entries.get(i - 1)), entries.get(i))).isTrue();
        }
    }

    @Test
    void detailsAreCanonicalJsonWithSortedKeys() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("zeta", "z\"q\u00e9");
        details.put("alpha", "a");
        AuditEntry e = chain.next(Optional.empty(), event("x", details), T0);
        assertThat(e.details()).isEqualTo("{\"alpha\":\"a\",\"zeta\":\"z\\\"q\u00e9\"}");
        assertThat(AuditChain.canonicalJson(Map.of("b", "2", "a", "1"))).isEqualTo("{\"a\":\"1\",\"b\":\"2\"}");
    }

    @Test
    void theHashIsAnHmacOverTheDocumentedEncoding() throws Exception {
        AuditEntry e = chain.next(Optional.empty(), new AuditEvent(Optional.of(tenant), Optional.empty(), "operator",
                "x", "success", "ip", "ua", Map.of("k", "v")), Instant.ofEpochMilli(42));
        ByteBuffer b = ByteBuffer.allocate(512);
        putBytes(b, "postern-audit-v1".getBytes(StandardCharsets.US_ASCII));
        b.putLong(1).putLong(42);
        b.put((byte) 1);
        putText(b, tenant.toString());
        b.put((byte) 0);
        for (String s : new String[] {"operator", "x", "success", "ip", "ua", "{\"k\":\"v\"}"}) {
            putText(b, s);
        }
        putBytes(b, new byte[32]);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        mac.update(b.array(), 0, b.position());
        assertThat(HexFormat.of().formatHex(e.hash())).isEqualTo(HexFormat.of().formatHex(mac.doFinal()));
    }

    private static void putText(ByteBuffer b, String s) {
        putBytes(b, s.getBytes(StandardCharsets.UTF_8));
    }

    private static void putBytes(ByteBuffer b, byte[] bytes) {
        b.putInt(bytes.length).put(bytes);
    }

    @Test
    void everyFieldIsCovered() {
        List<AuditEntry> entries = log(2);
        AuditEntry prev = entries.get(0);
        AuditEntry e = entries.get(1);
        List<UnaryOperator<Object[]>> edits = List.of(
                f -> { f[1] = ((Instant) f[1]).plusMillis(1); return f; },
                f -> { f[2] = Optional.of(TenantId.random()); return f; },
                f -> { f[3] = Optional.empty(); return f; },
                f -> { f[4] = "operator"; return f; },
                f -> { f[5] = "signin"; return f; },
                f -> { f[6] = "failure"; return f; },
                f -> { f[7] = "198.51.100.1"; return f; },
                f -> { f[8] = "curl/8"; return f; },
                f -> { f[9] = "{\"i\":\"2\"}"; return f; },
                f -> { byte[] h = ((byte[]) f[11]).clone(); h[0] ^= 1; f[11] = h; return f; });
        for (UnaryOperator<Object[]> edit : edits) {
            AuditEntry changed = with(e, edit);
            assertThat(chain.linkValid(Optional.of(prev), changed)).isFalse();
            assertThat(chain.problem(Optional.of(prev), changed)).contains("seq 2 does not match its hash: the entry was changed");
        }
        assertThat(chain.linkValid(Optional.of(prev), e)).isTrue();
    }

    @Test
    void fieldBoundariesCannotBeShifted() {
        // "ab"+"c" and "a"+"bc" must hash differently: lengths are part of the encoding.
        AuditEvent one = new AuditEvent(Optional.empty(), Optional.empty(), "operator", "ab", "c", "", "", Map.of());
        AuditEvent two = new AuditEvent(Optional.empty(), Optional.empty(), "operator", "a", "bc", "", "", Map.of());
        assertThat(chain.next(Optional.empty(), one, T0).hash()).isNotEqualTo(chain.next(Optional.empty(), two, T0).hash());
        AuditEvent noTenant = new AuditEvent(Optional.empty(), Optional.empty(), "operator", "a", "b", "", "", Map.of());
        AuditEvent withTenant = new AuditEvent(Optional.of(tenant), Optional.empty(), "operator", "a", "b", "", "", Map.of());
        assertThat(chain.next(Optional.empty(), noTenant, T0).hash()).isNotEqualTo(chain.next(Optional.empty(), withTenant, T0).hash());
    }

    @Test
    void gapsReorderingAndForeignLinksAreCaught() {
        List<AuditEntry> e = log(4);
        assertThat(chain.problem(Optional.of(e.get(0)), e.get(2))).contains("seq 3 follows seq 1: entries are missing or out of order");
        assertThat(chain.problem(Optional.of(e.get(2)), e.get(1))).contains("seq 2 follows seq 3: entries are missing or out of order");
        assertThat(chain.problem(Optional.empty(), e.get(1))).contains("the log starts at seq 2 instead of 1: earlier entries are missing");
        // Renumbering an entry to close a gap breaks its link and its hash.
        AuditEntry renumbered = with(e.get(2), f -> { f[0] = 2L; return f; });
        assertThat(chain.problem(Optional.of(e.get(0)), renumbered)).contains("seq 2 does not link to the entry before it");
        AuditEntry relinked = with(renumbered, f -> { f[10] = e.get(0).hash(); return f; });
        assertThat(chain.problem(Optional.of(e.get(0)), relinked)).contains("seq 2 does not match its hash: the entry was changed");
        AuditEntry fakeFirst = with(e.get(0), f -> { f[10] = new byte[] {1}; return f; });
        assertThat(chain.problem(Optional.empty(), fakeFirst)).contains("the first entry does not start the chain");
    }

    @Test
    void anotherKeyCannotForgeOrCheckTheChain() {
        byte[] other = KEY.clone();
        other[31] ^= 1;
        AuditChain forger = new AuditChain(other);
        AuditEntry forged = forger.next(Optional.empty(), event("signin", Map.of()), T0);
        assertThat(chain.linkValid(Optional.empty(), forged)).isFalse();
        assertThat(forger.linkValid(Optional.empty(), forged)).isTrue();
    }

    @Test
    void missingFieldsAreAProblemNotACrash() {
        AuditEntry e = log(1).get(0);
        assertThat(chain.linkValid(Optional.empty(), with(e, f -> { f[11] = null; return f; }))).isFalse();
        assertThat(chain.linkValid(Optional.empty(), with(e, f -> { f[9] = null; return f; }))).isFalse();
        assertThat(chain.linkValid(Optional.empty(), with(e, f -> { f[2] = null; return f; }))).isFalse();
    }

    @Test
    void theKeyMustBe32Bytes() {
        assertThatThrownBy(() -> new AuditChain(new byte[31])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AuditChain(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void verificationResultsAreConsistent() {
        assertThat(AuditVerification.intact(3).ok()).isTrue();
        assertThat(new AuditVerification(3, java.util.OptionalLong.of(3), "broken").ok()).isFalse();
        assertThatThrownBy(() -> new AuditVerification(3, java.util.OptionalLong.of(3), ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AuditVerification(3, java.util.OptionalLong.empty(), "broken"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
