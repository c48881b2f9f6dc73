package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.IdentityE2ETest.body;
import static org.postern.server.e2e.IdentityE2ETest.ok;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.mta.checks.LoopbackDns;
import org.postern.server.e2e.ApiClient.Response;
import org.postern.server.e2e.SmtpConnection.Reply;

/**
 * The address endpoints through the real server and curl: a user's domains and addresses, chosen
 * and generated names, revocation that SMTP honours at RCPT TO, API-token scopes, the audit log,
 * and two tenants that cannot see each other's addresses.
 */
class AddressApiE2ETest {
    private static final String ALICE = "alice@example.test";
    private static final String BOB = "bob@other.test";
    private static final String CAROL = "carol@example.test";
    private static final String PASSWORD = "a long passphrase for tests";
    private static final String SENDER = "news@sender.test";

    @TempDir
    static Path tmp;

    static LoopbackDns dns;
    static Launcher postern;
    static RunningServer server;
    static ApiClient api;
    static String alice;
    static String bob;
    static String carol;

    @BeforeAll
    static void start() throws Exception {
        dns = LoopbackDns.zone().txt("sender.test", "v=spf1 ip4:127.0.0.1 -all").start();
        postern = new Launcher(tmp.resolve("data")).env("POSTERN_DNS_SERVERS", dns.serverSpec());
        ok(postern.run("domain", "add", "example.test"));
        ok(postern.run("domain", "add", "alias.example.test"));
        ok(postern.run("tenant", "add", "other"));
        ok(postern.run("domain", "add", "other.test", "--tenant", "other"));
        for (String login : List.of(ALICE, BOB, CAROL)) {
            ok(postern.runWithInput((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8), "user", "add", login,
                    "--password-stdin"));
        }
        server = RunningServer.start(postern, RunningServer.MX_HOSTNAME);
        api = new ApiClient(server.port("http")).checked();
        alice = signIn(ALICE);
        bob = signIn(BOB);
        carol = signIn(CAROL);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    static String signIn(String login) {
        Response r = api.post("/api/v1/auth/sign-in", null, body("login", login, "password", PASSWORD));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.text("level")).isEqualTo("full");
        return r.text("access_token");
    }

    static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get(field).asText()));
        return out;
    }

    static JsonNode create(String token, Map<String, Object> request) {
        Response r = api.post("/api/v1/addresses", token, request);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.body();
    }

    static Reply rcpt(String address) throws Exception {
        try (SmtpConnection c = SmtpConnection.ready(server.smtpPort())) {
            c.command("MAIL FROM:<" + SENDER + ">").require(250);
            return c.command("RCPT TO:<" + address + ">");
        }
    }

    @Test
    void aUserListsTheirTenantsDomainsAndOnlyTheirOwnAddresses() {
        Response domains = api.get("/api/v1/domains", alice);
        assertThat(domains.status()).as(domains.toString()).isEqualTo(200);
        assertThat(texts(domains.body().get("domains"), "name")).containsExactly("alias.example.test", "example.test");
        assertThat(texts(api.get("/api/v1/domains", bob).body().get("domains"), "name")).containsExactly("other.test");

        Response mine = api.get("/api/v1/addresses", carol);
        assertThat(mine.status()).as(mine.toString()).isEqualTo(200);
        JsonNode only = mine.body().get("addresses");
        assertThat(texts(only, "address")).containsExactly(CAROL);
        assertThat(only.get(0).get("state").asText()).isEqualTo("active");
        assertThat(only.get(0).get("created").asText()).isNotBlank();
        assertThat(only.get(0).get("revoked").isNull()).isTrue();
        assertThat(only.get(0).get("note").isNull()).isTrue();
        assertThat(mine.raw()).doesNotContain(ALICE);

        assertThat(api.get("/api/v1/addresses", null).status()).isEqualTo(401);
    }

    @Test
    void aChosenAddressWithANoteIsCreatedOnceAndListedWithItsNote() {
        JsonNode created = create(alice, body("local_part", "Shop.X", "domain", "alias.example.test",
                "note", "given to shop X"));
        assertThat(created.get("address").asText()).isEqualTo("shop.x@alias.example.test");
        assertThat(created.get("state").asText()).isEqualTo("active");
        assertThat(created.get("note").asText()).isEqualTo("given to shop X");

        JsonNode listed = api.get("/api/v1/addresses", alice).body().get("addresses");
        assertThat(listed).anySatisfy(a -> {
            assertThat(a.get("address").asText()).isEqualTo("shop.x@alias.example.test");
            assertThat(a.get("note").asText()).isEqualTo("given to shop X");
        });
        assertThat(api.get("/api/v1/addresses/" + created.get("id").asText(), alice).body().get("note").asText())
                .isEqualTo("given to shop X");

        Response again = api.post("/api/v1/addresses", carol, body("local_part", "shop.x", "domain", "alias.example.test"));
        assertThat(again.status()).as(again.toString()).isEqualTo(409);
        assertThat(again.text("error")).isEqualTo("conflict");
    }

    @Test
    void generatedNamesAreRandomOrPronounceable() {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String random = create(alice, body("generate", "random", "domain", "example.test")).get("address").asText();
            assertThat(random).matches("[a-z2-7]{10}@example\\.test");
            String spoken = create(alice, body("generate", "pronounceable", "domain", "example.test"))
                    .get("address").asText();
            assertThat(spoken).matches("([bdfghjklmnprstvz][aeiou]){4}[0-9]{3}@example\\.test");
            seen.add(random);
            seen.add(spoken);
        }
        assertThat(seen).doesNotHaveDuplicates();
    }

    @Test
    void badRequestsAreRefusedWithTheFieldNamed() {
        Response both = api.post("/api/v1/addresses", alice, body("local_part", "a", "generate", "random",
                "domain", "example.test"));
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.text("message")).contains("local_part");
        Response bad = api.post("/api/v1/addresses", alice, body("local_part", "a b", "domain", "example.test"));
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        Response at = api.post("/api/v1/addresses", alice, body("local_part", "a@other.test", "domain", "example.test"));
        assertThat(at.status()).isEqualTo(400);
        Response style = api.post("/api/v1/addresses", alice, body("generate", "guessable", "domain", "example.test"));
        assertThat(style.status()).isEqualTo(400);
        assertThat(style.text("message")).contains("generate");
        Response noDomain = api.post("/api/v1/addresses", alice, body("local_part", "x"));
        assertThat(noDomain.status()).isEqualTo(400);
        assertThat(noDomain.text("message")).contains("domain");
        Response longNote = api.post("/api/v1/addresses", alice, body("local_part", "x", "domain", "example.test",
                "note", "n".repeat(501)));
        assertThat(longNote.status()).isEqualTo(400);
        assertThat(api.post("/api/v1/addresses/not-an-id/revoke", alice, null).status()).isEqualTo(400);
    }

    @Test
    void anotherTenantsDomainAndAddressesAreNotFound() {
        Response foreignDomain = api.post("/api/v1/addresses", bob, body("local_part", "sneaky", "domain", "example.test"));
        assertThat(foreignDomain.status()).as(foreignDomain.toString()).isEqualTo(404);
        Response unhosted = api.post("/api/v1/addresses", bob, body("local_part", "x", "domain", "nowhere.test"));
        assertThat(unhosted.status()).isEqualTo(404);
        assertThat(unhosted.raw()).isEqualTo(foreignDomain.raw());

        String id = create(alice, body("local_part", "private", "domain", "example.test", "note", "secret")).get("id").asText();
        for (String path : List.of("/api/v1/addresses/" + id, "/api/v1/addresses/" + id + "/revoke")) {
            Response r = path.endsWith("/revoke") ? api.post(path, bob, null) : api.get(path, bob);
            assertThat(r.status()).as(path + " " + r).isEqualTo(404);
            assertThat(r.raw()).isEqualTo("{\"error\":\"not_found\"}");
            // A user of the same tenant fares no better: addresses are their owner's.
            Response sameTenant = path.endsWith("/revoke") ? api.post(path, carol, null) : api.get(path, carol);
            assertThat(sameTenant.status()).as(path + " " + sameTenant).isEqualTo(404);
        }
        String unknown = "/api/v1/addresses/00000000-0000-4000-8000-000000000000";
        assertThat(api.get(unknown, bob).raw()).isEqualTo("{\"error\":\"not_found\"}");
        assertThat(api.get("/api/v1/addresses/" + id, alice).text("state")).isEqualTo("active");
    }

    @Test
    void revokedAddressIsRefusedAtRcptAndCanNeverBeCreatedAgain() throws Exception {
        JsonNode created = create(alice, body("local_part", "newsletter", "domain", "example.test"));
        String address = created.get("address").asText();
        assertThat(rcpt(address).code()).isEqualTo(250);

        Response revoked = api.post("/api/v1/addresses/" + created.get("id").asText() + "/revoke", alice, null);
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        assertThat(revoked.text("state")).isEqualTo("revoked");
        assertThat(revoked.text("revoked")).isNotBlank();

        Reply refused = rcpt(address);
        assertThat(refused.code()).isEqualTo(550);
        assertThat(refused.enhanced()).isEqualTo("5.1.1");

        assertThat(api.post("/api/v1/addresses/" + created.get("id").asText() + "/revoke", alice, null).status())
                .isEqualTo(409);
        assertThat(api.post("/api/v1/addresses", alice, body("local_part", "newsletter", "domain", "example.test"))
                .status()).isEqualTo(409);
        assertThat(api.post("/api/v1/addresses", carol, body("local_part", "newsletter", "domain", "example.test"))
                .status()).isEqualTo(409);

        JsonNode entries = api.get("/api/v1/audit-log", alice).body().get("entries");
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.get("action").asText()).isEqualTo("address.revoke");
            assertThat(e.get("details").get("address").asText()).isEqualTo(address);
        });
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.get("action").asText()).isEqualTo("address.create");
            assertThat(e.get("details").get("address").asText()).isEqualTo(address);
        });
    }

    @Test
    void suspendedAddressIsRefusedAtRcptUntilReinstatedAndRevokedIsFinal() throws Exception {
        JsonNode created = create(alice, body("local_part", "travel", "domain", "example.test"));
        String address = created.get("address").asText();
        String path = "/api/v1/addresses/" + created.get("id").asText();

        Response suspended = api.post(path + "/suspend", alice, null);
        assertThat(suspended.status()).as(suspended.toString()).isEqualTo(200);
        assertThat(suspended.text("state")).isEqualTo("suspended");
        assertThat(api.get(path, alice).text("state")).isEqualTo("suspended");
        Reply refused = rcpt(address);
        assertThat(refused.code()).isEqualTo(550);
        assertThat(refused.enhanced()).isEqualTo("5.1.1");
        assertThat(api.post(path + "/suspend", alice, null).status()).as("already suspended").isEqualTo(409);
        assertThat(api.post(path + "/suspend", bob, null).status()).isEqualTo(404);
        assertThat(api.post(path + "/reinstate", carol, null).status()).isEqualTo(404);

        Response reinstated = api.post(path + "/reinstate", alice, null);
        assertThat(reinstated.status()).as(reinstated.toString()).isEqualTo(200);
        assertThat(reinstated.text("state")).isEqualTo("active");
        assertThat(rcpt(address).code()).isEqualTo(250);
        assertThat(api.post(path + "/reinstate", alice, null).status()).as("already active").isEqualTo(409);

        // A suspended address can be revoked; a revoked one is never reinstated.
        assertThat(api.post(path + "/suspend", alice, null).status()).isEqualTo(200);
        assertThat(api.post(path + "/revoke", alice, null).text("state")).isEqualTo("revoked");
        assertThat(api.post(path + "/reinstate", alice, null).status()).isEqualTo(409);
        assertThat(api.post(path + "/suspend", alice, null).status()).isEqualTo(409);
        assertThat(rcpt(address).code()).isEqualTo(550);

        JsonNode entries = api.get("/api/v1/audit-log", alice).body().get("entries");
        for (String action : List.of("address.suspend", "address.reinstate", "address.revoke")) {
            assertThat(entries).as(action).anySatisfy(e -> {
                assertThat(e.get("action").asText()).isEqualTo(action);
                assertThat(e.get("details").get("address").asText()).isEqualTo(address);
            });
        }
    }

    @Test
    void anApiTokenNeedsTheManageAddressesScope() {
        Response readOnly = api.post("/api/v1/auth/api-tokens", carol, body("name", "reader", "scopes", List.of("read-mail")));
        assertThat(readOnly.status()).as(readOnly.toString()).isEqualTo(201);
        Response denied = api.get("/api/v1/addresses", readOnly.text("secret"));
        assertThat(denied.status()).isEqualTo(403);
        assertThat(api.post("/api/v1/addresses", readOnly.text("secret"), body("generate", "random", "domain",
                "example.test")).status()).isEqualTo(403);

        Response manager = api.post("/api/v1/auth/api-tokens", carol, body("name", "password manager",
                "scopes", List.of("manage-addresses")));
        assertThat(manager.status()).as(manager.toString()).isEqualTo(201);
        String token = manager.text("secret");
        assertThat(api.get("/api/v1/domains", token).status()).isEqualTo(200);
        JsonNode made = create(token, body("generate", "random", "domain", "example.test", "note", "signed up at Y"));
        assertThat(texts(api.get("/api/v1/addresses", token).body().get("addresses"), "address"))
                .contains(made.get("address").asText());
    }
}
