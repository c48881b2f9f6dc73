package org.postern.auth.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postern.model.TenantId;
import org.postern.model.UserId;

class AuditEventTest {
    private static AuditEvent event(String actor, String action, String outcome, String ip, String ua,
            Map<String, String> details) {
        return new AuditEvent(Optional.empty(), Optional.empty(), actor, action, outcome, ip, ua, details);
    }

    @Test
    void clientValuesAreCutAndCleaned() {
        AuditEvent e = event("anonymous", "signin", "failure", "203.0.113.9\r\nX-Forged: 1" + "9".repeat(100),
                "Mozilla/5.0 " + "x".repeat(400), Map.of("login_domain", "example.org\nfake line"));
        assertThat(e.ip()).hasSize(64).doesNotContain("\r", "\n").startsWith("203.0.113.9  X-Forged: 1");
        assertThat(e.userAgent()).hasSize(256).startsWith("Mozilla/5.0 x");
        assertThat(e.details()).containsEntry("login_domain", "example.org fake line");
        AuditEvent empty = event("anonymous", "signin", "failure", null, null, null);
        assertThat(empty.ip()).isEmpty();
        assertThat(empty.userAgent()).isEmpty();
        assertThat(empty.details()).isEmpty();
    }

    @Test
    void longDetailValuesAreCutNeverInsideASurrogatePair() {
        String value = "a" + "\uD83D\uDE00".repeat(200);
        AuditEvent e = event("anonymous", "signin", "failure", "", "", Map.of("k", value));
        String cut = e.details().get("k");
        assertThat(cut.length()).isLessThanOrEqualTo(AuditEvent.MAX_DETAIL_CHARS).isEqualTo(255);
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 1))).isFalse();
        assertThat(AuditEvent.clean("x".repeat(255) + "\uD83D\uDE00", 256)).hasSize(255);
        assertThat(AuditEvent.clean("\uD83D\uDE00", 2)).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void detailsAreBoundedAndSorted() {
        Map<String, String> twenty = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            twenty.put("k" + i, "v");
        }
        assertThat(event("operator", "x", "success", "", "", twenty).details()).hasSize(20);
        twenty.put("k20", "v");
        assertThatThrownBy(() -> event("operator", "x", "success", "", "", twenty))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 20");
        Map<String, String> unsorted = new LinkedHashMap<>();
        unsorted.put("zeta", "1");
        unsorted.put("alpha", "2");
        assertThat(event("operator", "x", "success", "", "", unsorted).details().keySet()).containsExactly("alpha", "zeta");
        Map<String, String> details = new HashMap<>(Map.of("a", "1"));
        AuditEvent e = event("operator", "x", "success", "", "", details);
        details.put("b", "2");
        assertThat(e.details()).hasSize(1);
        assertThatThrownBy(() -> e.details().put("c", "3")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void allDetailsTogetherFitWhatTheStoreTakes() {
        Map<String, String> worst = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            worst.put(("k" + i + "_").repeat(30).substring(0, 64), (i % 2 == 0 ? "\"" : "\\").repeat(300));
        }
        AuditEvent e = event("operator", "x", "success", "", "", worst);
        String json = AuditChain.canonicalJson(e.details());
        assertThat(json.length()).isEqualTo(AuditEvent.jsonChars(e.details())).isLessThanOrEqualTo(4000);
        assertThat(e.details()).hasSize(20);
        // Small details are left alone.
        Map<String, String> small = Map.of("a", "\"quoted\" \\ text", "b", "\u00e9t\u00e9 \uD83D\uDE00");
        AuditEvent s = event("operator", "x", "success", "", "", small);
        assertThat(s.details()).isEqualTo(small);
        assertThat(AuditChain.canonicalJson(s.details())).hasSize(AuditEvent.jsonChars(s.details()));
    }

    @Test
    void namesChosenByCodeAreRefusedWhenMalformed() {
        for (String key : new String[] {"", "Upper", "with space", "semi;colon", "quote\"", "k".repeat(65), "ünï"}) {
            assertThatThrownBy(() -> event("operator", "x", "success", "", "", Map.of(key, "v")))
                    .as(key).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(event("operator", "mfa.recovery_codes", "success", "", "", Map.of("login_domain-2.x", "v")))
                .isNotNull();
        for (String action : new String[] {null, "", "Sign In", "signin\n", "a".repeat(65)}) {
            assertThatThrownBy(() -> event("operator", action, "success", "", "", Map.of()))
                    .as("%s", action).isInstanceOf(IllegalArgumentException.class);
        }
        for (String outcome : new String[] {null, "", "OK", "o".repeat(33)}) {
            assertThatThrownBy(() -> event("operator", "x", outcome, "", "", Map.of()))
                    .as("%s", outcome).isInstanceOf(IllegalArgumentException.class);
        }
        for (String actor : new String[] {null, "", " ", "user:1\nforged", "a b", "a".repeat(129)}) {
            assertThatThrownBy(() -> event(actor, "x", "success", "", "", Map.of()))
                    .as("%s", actor).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aSubjectNeedsItsTenant() {
        assertThatThrownBy(() -> new AuditEvent(Optional.empty(), Optional.of(UserId.random()), "operator", "x",
                "success", "", "", Map.of())).isInstanceOf(IllegalArgumentException.class);
        TenantId t = TenantId.random();
        UserId u = UserId.random();
        AuditEvent about = AuditEvent.operator("user.disable", "success", Map.of()).about(t, u);
        assertThat(about.tenant()).contains(t);
        assertThat(about.subject()).contains(u);
        assertThat(about.actor()).isEqualTo("operator");
    }

    @Test
    void factoriesNameTheActor() {
        assertThat(AuditEvent.system("retention", "purge", "success", Map.of("messages", "3")).actor())
                .isEqualTo("system:retention");
        assertThat(AuditEvent.operator("keys.rotate", "success", Map.of()).actor()).isEqualTo("operator");
    }
}
