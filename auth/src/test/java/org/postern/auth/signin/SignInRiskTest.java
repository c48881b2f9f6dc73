package org.postern.auth.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postern.auth.IdentityFixture;
import org.postern.store.identity.AuditEntry;
import org.postern.store.identity.RiskMode;

/** Risk signals of a sign-in (new device, new address, impossible travel) under each tenant risk mode. */
class SignInRiskTest extends IdentityFixture {

    private static long km(AuditEntry e) {
        return Long.parseLong(details(e).get("distance_km"));
    }

    @Test
    void auditModeRecordsNewDeviceNewAddressAndImpossibleTravelAndAllows() {
        Account alice = user("alice@example.org");
        tenantPolicy("acme", false, RiskMode.AUDIT);
        assertThat(signIn(alice, HOME)).isInstanceOf(SignInResult.SignedIn.class);
        assertThat(audit("signin.risk")).as("the first sign-in has nothing to compare with").isEmpty();

        clock.advance(Duration.ofHours(1));
        assertThat(signIn(alice, PHONE)).isInstanceOf(SignInResult.SignedIn.class);
        AuditEntry phone = lastAudit("signin.risk");
        assertThat(phone.outcome()).isEqualTo("allowed");
        assertThat(phone.subject()).contains(alice.user().id());
        assertThat(phone.actor()).isEqualTo(actor(alice));
        assertThat(phone.ip()).isEqualTo(PHONE.ip());
        assertThat(details(phone)).containsEntry("new_device", "true").containsEntry("new_ip", "true")
                .containsEntry("impossible_travel", "false").containsEntry("distance_km", "0");

        clock.advance(Duration.ofHours(1));
        assertThat(signIn(alice, SYDNEY)).isInstanceOf(SignInResult.SignedIn.class);
        AuditEntry trip = lastAudit("signin.risk");
        assertThat(trip.outcome()).isEqualTo("allowed");
        assertThat(details(trip)).containsEntry("new_device", "false").containsEntry("new_ip", "true")
                .containsEntry("impossible_travel", "true");
        assertThat(km(trip)).isBetween(16_900L, 17_000L);

        // Back home much later, from a known device and address: nothing to report.
        clock.advance(Duration.ofDays(2));
        assertThat(signIn(alice, HOME)).isInstanceOf(SignInResult.SignedIn.class);
        assertThat(audit("signin.risk")).hasSize(2);
        // An address the table does not place: new, but no distance to judge.
        clock.advance(Duration.ofHours(1));
        assertThat(signIn(alice, new ClientInfo("192.0.2.10", HOME.userAgent()))).isInstanceOf(SignInResult.SignedIn.class);
        assertThat(details(lastAudit("signin.risk"))).containsEntry("new_ip", "true")
                .containsEntry("impossible_travel", "false").doesNotContainKey("distance_km");
    }

    @Test
    void enforcedRefusesAUserWithoutTotpOnImpossibleTravelOrANewDevice() {
        Account alice = user("alice@example.org");
        tenantPolicy("acme", false, RiskMode.ENFORCED);
        assertThat(signIn(alice, HOME)).as("the first sign-in is not risky").isInstanceOf(SignInResult.SignedIn.class);

        clock.advance(Duration.ofHours(1));
        assertThat(signIn(alice, SYDNEY)).isEqualTo(new SignInResult.Refused());
        AuditEntry trip = lastAudit("signin.risk");
        assertThat(trip.outcome()).isEqualTo("denied");
        assertThat(details(trip)).containsEntry("impossible_travel", "true");
        assertThat(lastAudit("signin").outcome()).as("no session was opened").isEqualTo("success");
        assertThat(audit("signin", "success")).hasSize(1);

        assertThat(signIn(alice, PHONE)).as("a new device").isEqualTo(new SignInResult.Refused());
        assertThat(lastAudit("signin.risk").outcome()).isEqualTo("denied");
        assertThat(details(lastAudit("signin.risk"))).containsEntry("new_device", "true")
                .containsEntry("impossible_travel", "false");

        // The refused attempts were not remembered: home is still home, and not risky.
        assertThat(signIn(alice, HOME)).isInstanceOf(SignInResult.SignedIn.class);
        assertThat(audit("signin.risk")).hasSize(2);
    }

    @Test
    void enforcedStillLetsAUserWithTotpInWithTheSecondFactor() {
        Account alice = user("alice@example.org");
        tenantPolicy("acme", false, RiskMode.ENFORCED);
        Enrolled e = enrol(alice);

        clock.advance(Duration.ofHours(1));
        SignInResult first = signIn(alice, SYDNEY);
        assertThat(first).isInstanceOf(SignInResult.SecondFactorRequired.class);
        AuditEntry trip = lastAudit("signin.risk");
        assertThat(trip.outcome()).isEqualTo("allowed");
        assertThat(details(trip)).containsEntry("impossible_travel", "true");
        SignInResult done = secondFactor(((SignInResult.SecondFactorRequired) first).challenge(), e.phone().nextCode(),
                SYDNEY);
        assertThat(done).isInstanceOf(SignInResult.SignedIn.class);
        assertThat(details(lastAudit("signin"))).containsEntry("mfa", "true");
    }

    @Test
    void offRecordsNothingAndAllows() {
        Account alice = user("alice@example.org");
        tenantPolicy("acme", false, RiskMode.OFF);
        assertThat(signIn(alice, HOME)).isInstanceOf(SignInResult.SignedIn.class);
        clock.advance(Duration.ofMinutes(30));
        assertThat(signIn(alice, SYDNEY)).isInstanceOf(SignInResult.SignedIn.class);
        assertThat(signIn(alice, PHONE)).isInstanceOf(SignInResult.SignedIn.class);
        assertThat(audit("signin.risk")).isEmpty();
    }

    @Test
    void theFirstEverSignInIsNotRiskyEvenWhenEnforced() {
        Account alice = user("alice@example.org");
        tenantPolicy("acme", false, RiskMode.ENFORCED);
        assertThat(signIn(alice, SYDNEY)).isInstanceOf(SignInResult.SignedIn.class);
        assertThat(audit("signin.risk")).isEmpty();
    }

    @Test
    void afterEnoughTimeTheSameTripIsPossible() {
        Account alice = user("alice@example.org");
        tenantPolicy("acme", false, RiskMode.AUDIT);
        signIn(alice, HOME);
        // About 16,960 km at 900 km/h: some 19 hours.
        clock.advance(Duration.ofHours(18));
        signIn(alice, new ClientInfo("10.2.0.8", HOME.userAgent()));
        assertThat(details(lastAudit("signin.risk"))).containsEntry("impossible_travel", "true");
        // Back in Paris 20 hours after Sydney, then to Sydney again 20 hours later.
        clock.advance(Duration.ofHours(20));
        signIn(alice, HOME);
        clock.advance(Duration.ofHours(20));
        signIn(alice, SYDNEY);
        Map<String, String> d = details(lastAudit("signin.risk"));
        assertThat(d).containsEntry("impossible_travel", "false").containsEntry("new_ip", "true");
        assertThat(Long.parseLong(d.get("distance_km"))).isBetween(16_900L, 17_000L);
    }
}
