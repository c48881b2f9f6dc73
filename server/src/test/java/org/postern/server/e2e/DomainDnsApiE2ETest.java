package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.TwoTenants.body;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.mta.checks.LoopbackDns;
import org.postern.server.e2e.ApiClient.Response;

/**
 * {@code GET /api/v1/admin/domains/{id}/dns} through the real server against a real DNS server
 * (dnsmasq on loopback, named in POSTERN_DNS_SERVERS) holding some of the records {@code ./postern
 * dns} prints, one of them with another value: each record is reported found, different (with what
 * DNS holds), missing, or, for a domain whose DNS does not answer, lookup failed. A tenant admin
 * gets 404 for another tenant's domain. Every response is checked against the OpenAPI document.
 */
class DomainDnsApiE2ETest {
    private static final String HOST = RunningServer.MX_HOSTNAME;
    private static final String DOWN = "down.test";

    @TempDir
    static Path tmp;
    static final TwoTenants tenants = new TwoTenants();
    static LoopbackDns dns;
    static Launcher postern;
    static RunningServer server;
    static ApiClient api;
    static ZoneLines zone;
    static String zoneText;

    @BeforeAll
    static void start() throws Exception {
        postern = new Launcher(tmp.resolve("data")).env("POSTERN_HOSTNAME", HOST);
        tenants.provision(postern);
        TwoTenants.ok(postern.run("domain", "add", DOWN));
        TwoTenants.ok(postern.run("dkim", "generate", TwoTenants.DOMAIN_A));
        Launcher.Result printed = postern.run("dns", TwoTenants.DOMAIN_A);
        TwoTenants.ok(printed);
        zoneText = printed.out();
        zone = ZoneLines.parse(zoneText);
        String a = TwoTenants.DOMAIN_A;
        // Published: MX, SPF, both DKIM keys, the MTA-STS host; DMARC with another policy;
        // the MTA-STS id and TLS-RPT are not published.
        LoopbackDns.Zone served = LoopbackDns.zone()
                .txt(a, "some-site-verification=1234")
                .txt("_dmarc." + a, "v=DMARC1; p=none");
        zone.get(a, "MX").publish(served);
        zone.get(a, "TXT").publish(served);
        zone.dkim().forEach(l -> l.publish(served));
        zone.get("mta-sts." + a, "CNAME").publish(served);
        dns = served.down(DOWN).start();
        postern.env("POSTERN_DNS_SERVERS", dns.serverSpec());
        server = RunningServer.start(postern, HOST);
        api = new ApiClient(server.port("http")).checked();
        tenants.a.adminToken = TwoTenants.adminSignIn(api, tenants.a.adminLogin, TwoTenants.PASSWORD);
        tenants.b.adminToken = TwoTenants.adminSignIn(api.from("127.0.0.2"), tenants.b.adminLogin, TwoTenants.PASSWORD);
        tenants.a.tenantId = api.get("/api/v1/me", tenants.a.adminToken).text("tenant_id");
        tenants.b.tenantId = api.get("/api/v1/me", tenants.b.adminToken).text("tenant_id");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (dns != null) {
                dns.close();
            }
        }
    }

    static String domainId(TwoTenants.Tenant t, String name) {
        for (JsonNode d : api.get("/api/v1/admin/tenants/" + t.tenantId + "/domains", t.adminToken).body().get("domains")) {
            if (d.get("name").asText().equals(name)) {
                return d.get("id").asText();
            }
        }
        throw new AssertionError("no domain " + name);
    }

    /** The records of the answer by "name type" (DKIM records by their selector name). */
    static Map<String, JsonNode> byName(Response r) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        r.body().get("records").forEach(n -> out.put(n.get("name").asText() + " " + n.get("type").asText(), n));
        return out;
    }

    @Test
    void eachRecordIsReportedFoundDifferentOrMissing() {
        Response r = api.get("/api/v1/admin/domains/" + domainId(tenants.a, "a.test") + "/dns", tenants.a.adminToken);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body().get("domain").get("name").asText()).isEqualTo("a.test");
        assertThat(r.body().get("hostname").asText()).isEqualTo(HOST);
        assertThat(r.body().get("dkim_keys").asInt()).isEqualTo(2);
        // The same records, with the same values, as the CLI prints.
        assertThat(zoneText).contains(r.text("zone"));
        Map<String, JsonNode> records = byName(r);
        assertThat(records).hasSize(zone.lines().size()).hasSize(8);
        assertThat(records.get("a.test. MX").get("status").asText()).isEqualTo("found");
        assertThat(records.get("a.test. MX").get("found").get(0).asText()).isEqualTo(HOST);
        assertThat(records.get("a.test. TXT").get("status").asText()).isEqualTo("found");
        // Only the SPF record of the apex is compared and shown.
        assertThat(records.get("a.test. TXT").get("found")).hasSize(1);
        for (ZoneLines.Line dkim : zone.dkim()) {
            assertThat(records.get(dkim.name() + ". TXT").get("status").asText()).as(dkim.name()).isEqualTo("found");
        }
        assertThat(zone.dkim()).hasSize(2);
        assertThat(records.get("_dmarc.a.test. TXT").get("status").asText()).isEqualTo("different");
        assertThat(records.get("_dmarc.a.test. TXT").get("found").get(0).asText()).isEqualTo("v=DMARC1; p=none");
        assertThat(records.get("mta-sts.a.test. CNAME").get("status").asText()).isEqualTo("found");
        assertThat(records.get("_mta-sts.a.test. TXT").get("status").asText()).isEqualTo("missing");
        assertThat(records.get("_mta-sts.a.test. TXT").get("found")).isEmpty();
        assertThat(records.get("_smtp._tls.a.test. TXT").get("status").asText()).isEqualTo("missing");
    }

    @Test
    void aDomainWhoseDnsDoesNotAnswerIsLookupFailedWithinTheBudget() {
        long started = System.nanoTime();
        Response r = api.get("/api/v1/admin/domains/" + domainId(tenants.a, DOWN) + "/dns", tenants.a.adminToken);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body().get("dkim_keys").asInt()).isZero();
        byName(r).values().forEach(n -> assertThat(n.get("status").asText()).as(n.toString()).isEqualTo("lookup_failed"));
        // One budget for the whole check (the resolver's 10 s), not a timeout per record.
        assertThat((System.nanoTime() - started) / 1_000_000_000).isLessThan(20);
        assertThat(r.raw()).doesNotContain("Exception").doesNotContain("xbill");
    }

    @Test
    void aTenantAdminCannotSeeAnotherTenantsDomain() {
        String aDomain = domainId(tenants.a, "a.test");
        Response other = api.get("/api/v1/admin/domains/" + aDomain + "/dns", tenants.b.adminToken);
        assertThat(other.status()).as(other.toString()).isEqualTo(404);
        Response unknown = api.get("/api/v1/admin/domains/" + UUID.randomUUID() + "/dns", tenants.b.adminToken);
        assertThat(unknown.status()).isEqualTo(404);
        // Exactly the same answer as a domain that does not exist.
        assertThat(other.body().get("error")).isEqualTo(unknown.body().get("error"));
        assertThat(other.body().get("message")).isEqualTo(unknown.body().get("message"));
        Response own = api.get("/api/v1/admin/domains/" + domainId(tenants.b, "b.test") + "/dns", tenants.b.adminToken);
        assertThat(own.status()).as(own.toString()).isEqualTo(200);
        assertThat(own.body().get("domain").get("name").asText()).isEqualTo("b.test");
        byName(own).values().forEach(n -> assertThat(n.get("status").asText()).isEqualTo("missing"));
        assertThat(api.get("/api/v1/admin/domains/not-an-id/dns", tenants.b.adminToken).status()).isEqualTo(400);
    }

    @Test
    void usersAndAnonymousCallersAreRefused() {
        Response signIn = api.from("127.0.0.3").post("/api/v1/auth/sign-in", null,
                body("login", tenants.a.userLogin, "password", TwoTenants.PASSWORD));
        assertThat(signIn.status()).as(signIn.toString()).isEqualTo(200);
        String aDomain = domainId(tenants.a, "a.test");
        assertThat(api.get("/api/v1/admin/domains/" + aDomain + "/dns", signIn.text("access_token")).status())
                .isEqualTo(403);
        assertThat(api.get("/api/v1/admin/domains/" + aDomain + "/dns", null).status()).isEqualTo(401);
    }
}
