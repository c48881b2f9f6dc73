package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.IdentityE2ETest.body;
import static org.postern.server.e2e.IdentityE2ETest.ok;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.postern.mta.checks.LoopbackDns;
import org.postern.server.e2e.ApiClient.Response;

/**
 * The mail endpoints through the real server and curl, with mail delivered over SMTP to two
 * addresses of one user: mailboxes and counts, envelope pages and sorts, the sanitised message
 * view, attachment and inline-image headers, flags, move, delete to Trash and expunge, search by
 * each criterion, received counts per address and "arrived on", API-token scopes, bad input, and
 * a second tenant calling every endpoint with the first tenant's ids (404, like a missing id).
 * {@link MailApiPostgresE2ETest} runs the same on PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MailApiE2ETest {
    static final String ALICE = "alice@example.test";
    static final String BOB = "bob@other.test";
    static final String PASSWORD = "a long passphrase for tests";
    static final String SENDER = "orders@sender.test";
    static final String NOT_FOUND = "{\"error\":\"not_found\"}";
    static final String MISSING_ID = "00000000-0000-4000-8000-000000000000";
    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 1, 2, 3, 4};
    static final byte[] PDF = "%PDF-1.4\n% test\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    static Path tmp;

    LoopbackDns dns;
    RunningServer server;
    ApiClient api;
    String alice;
    String bob;
    String shopId;
    String newsId;
    String inbox;
    String archive;
    String bobInbox;
    String orderId;
    String newsletterId;
    String bothId;
    String bobMessageId;

    /** Where the server keeps its metadata: SQLite here, PostgreSQL in the subclass. */
    Launcher configure(Launcher launcher) throws Exception {
        return launcher;
    }

    void closeDatabase() throws Exception {}

    @BeforeAll
    void start() throws Exception {
        dns = LoopbackDns.zone().txt("sender.test", "v=spf1 ip4:127.0.0.1 -all").start();
        Launcher postern = configure(new Launcher(tmp.resolve("data")).env("POSTERN_DNS_SERVERS", dns.serverSpec()));
        ok(postern.run("domain", "add", "example.test"));
        ok(postern.run("tenant", "add", "other"));
        ok(postern.run("domain", "add", "other.test", "--tenant", "other"));
        for (String login : List.of(ALICE, BOB)) {
            ok(postern.runWithInput((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8), "user", "add", login,
                    "--password-stdin"));
        }
        server = RunningServer.start(postern, RunningServer.MX_HOSTNAME);
        // every JSON answer is checked against the published OpenAPI document
        api = new ApiClient(server.port("http")).checked();
        alice = signIn(ALICE);
        bob = signIn(BOB);
        shopId = createAddress(alice, "shop");
        newsId = createAddress(alice, "news");

        deliver(List.of("shop@example.test"), orderMessage());
        deliver(List.of("news@example.test"), TestMessages.message(SENDER, "news@example.test",
                TestMessages.newMessageId("sender.test"), "Weekly news", "The kumquat season has started.\n"));
        // one account reached through two of its addresses gets one copy, recorded on the first RCPT
        deliver(List.of("shop@example.test", "news@example.test"), TestMessages.message("Cc: news@example.test\r\n",
                "Other <other@sender.test>", "shop@example.test", TestMessages.newMessageId("sender.test"), "Both",
                "to two of my addresses\n"));
        deliver(List.of(BOB), TestMessages.message(SENDER, BOB, TestMessages.newMessageId("sender.test"), "For Bob",
                "bob's own\n"));

        for (JsonNode box : api.get("/api/v1/mailboxes", alice).body().get("mailboxes")) {
            switch (box.get("name").asText()) {
                case "INBOX" -> inbox = box.get("id").asText();
                case "Archive" -> archive = box.get("id").asText();
                default -> { }
            }
        }
        for (JsonNode box : api.get("/api/v1/mailboxes", bob).body().get("mailboxes")) {
            if (box.get("name").asText().equals("INBOX")) {
                bobInbox = box.get("id").asText();
            }
        }
        for (JsonNode m : api.get("/api/v1/mailboxes/" + inbox + "/messages", alice).body().get("messages")) {
            switch (m.get("subject").asText()) {
                case "Order confirmation" -> orderId = m.get("id").asText();
                case "Weekly news" -> newsletterId = m.get("id").asText();
                case "Both" -> bothId = m.get("id").asText();
                default -> { }
            }
        }
        bobMessageId = api.get("/api/v1/mailboxes/" + bobInbox + "/messages", bob).body().get("messages").get(0)
                .get("id").asText();
        assertThat(List.of(inbox, archive, bobInbox, orderId, newsletterId, bothId, bobMessageId)).doesNotContainNull();
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (dns != null) {
            dns.close();
        }
        closeDatabase();
    }

    // ---------------------------------------------------------------- fixtures

    String signIn(String login) {
        Response r = api.post("/api/v1/auth/sign-in", null, body("login", login, "password", PASSWORD));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.text("access_token");
    }

    String createAddress(String token, String local) {
        Response r = api.post("/api/v1/addresses", token, body("local_part", local, "domain", "example.test"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.text("id");
    }

    void deliver(List<String> recipients, byte[] message) throws IOException {
        try (SmtpConnection c = SmtpConnection.ready(server.smtpPort())) {
            c.send(SENDER, recipients, message).require(250);
        }
    }

    static String b64(byte[] bytes) {
        return Base64.getMimeEncoder().encodeToString(bytes);
    }

    static byte[] orderMessage() {
        String html = "<html><head><style>body{background:url(https://track.example/bg.png)}</style>"
                + "<script>alert('x')</script></head><body><p onclick=\"alert(1)\">Thanks for your <b>order</b>"
                + " Grüße</p><img src=\"https://track.example/pixel.gif\" width=\"1\" height=\"1\">"
                + "<img src=\"cid:logo@sender.test\" alt=\"logo\"><img src=\"cid:vector@sender.test\">"
                + "<a href=\"javascript:alert(2)\">bad</a><a href=\"https://shop.example/o/1\">order</a></body></html>";
        String text = "From: Shop <" + SENDER + ">\r\n"
                + "To: shop@example.test\r\n"
                + "Subject: Order confirmation\r\n"
                + "Date: Mon, 02 Nov 2026 10:00:00 +0000\r\n"
                + "Message-ID: <" + TestMessages.newMessageId("sender.test") + ">\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"mixed\"\r\n\r\n"
                + "--mixed\r\nContent-Type: multipart/related; boundary=\"rel\"\r\n\r\n"
                + "--rel\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n"
                + "--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "Thanks for your order, Gr=C3=BC=C3=9Fe (plain)\r\n"
                + "--alt\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + b64(html.getBytes(StandardCharsets.UTF_8)) + "\r\n"
                + "--alt--\r\n"
                + "--rel\r\nContent-Type: image/png\r\nContent-ID: <logo@sender.test>\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + b64(PNG) + "\r\n"
                + "--rel\r\nContent-Type: image/svg+xml\r\nContent-ID: <vector@sender.test>\r\n\r\n"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(3)\"/>\r\n"
                + "--rel--\r\n"
                + "--mixed\r\nContent-Type: application/pdf\r\n"
                + "Content-Disposition: attachment; filename*=UTF-8''..%2F..%2Fr%C3%A9port.pdf\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + b64(PDF) + "\r\n"
                + "--mixed\r\nContent-Type: text/html\r\nContent-Disposition: attachment; filename=\"page.html\"\r\n\r\n"
                + "<script>alert(4)</script>\r\n"
                + "--mixed--\r\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    JsonNode envelopes(String query) {
        Response r = api.get("/api/v1/mailboxes/" + inbox + "/messages" + query, alice);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.body();
    }

    List<String> subjects(JsonNode messages) {
        List<String> out = new ArrayList<>();
        messages.forEach(m -> out.add(m.get("subject").asText()));
        return out;
    }

    List<String> search(String query) {
        Response r = api.get("/api/v1/messages?" + query, alice);
        assertThat(r.status()).as(query + " " + r).isEqualTo(200);
        return subjects(r.body().get("messages"));
    }

    static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A response as bytes with its headers (lower-case names), for the binary endpoints. */
    record Raw(int status, Map<String, String> headers, byte[] body) {}

    Raw raw(String path, String token) throws Exception {
        Path headers = Files.createTempFile(tmp, "h", ".txt");
        Path out = Files.createTempFile(tmp, "b", ".bin");
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-k", "--max-time", "60", "-D", headers.toString(),
                "-o", out.toString(), "-w", "%{http_code}"));
        if (token != null) {
            cmd.addAll(List.of("-H", "Authorization: Bearer " + token));
        }
        cmd.add("https://127.0.0.1:" + server.port("http") + path);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String status = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(70, TimeUnit.SECONDS)).isTrue();
        Map<String, String> h = new LinkedHashMap<>();
        for (String line : Files.readAllLines(headers, StandardCharsets.ISO_8859_1)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                h.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
        }
        Raw r = new Raw(Integer.parseInt(status), h, Files.readAllBytes(out));
        // the binary endpoints too: the route and status must be documented, a JSON error must match
        String body = new String(r.body(), StandardCharsets.UTF_8);
        JsonNode json = h.getOrDefault("content-type", "").startsWith("application/json")
                ? ApiClient.JSON.readTree(body) : ApiClient.JSON.createObjectNode();
        OpenApiContract.get().check("GET", path, r.status(), json, r.status() == 200 ? "" : body);
        return r;
    }

    JsonNode attachment(JsonNode message, String filename) {
        for (JsonNode a : message.get("attachments")) {
            if (a.get("filename").asText().equals(filename)) {
                return a;
            }
        }
        throw new AssertionError("no attachment " + filename + " in " + message);
    }

    // ---------------------------------------------------------------- tests

    @Test
    void addressesCountWhatTheyReceivedAndMessagesSayWhereTheyArrived() {
        Map<String, JsonNode> byAddress = new LinkedHashMap<>();
        api.get("/api/v1/addresses", alice).body().get("addresses")
                .forEach(a -> byAddress.put(a.get("address").asText(), a));
        assertThat(byAddress.get("shop@example.test").get("received_count").asLong()).isEqualTo(2);
        assertThat(byAddress.get("news@example.test").get("received_count").asLong()).isEqualTo(1);
        assertThat(byAddress.get(ALICE).get("received_count").asLong()).isZero();
        assertThat(byAddress.get(ALICE).get("last_received").isNull()).isTrue();
        Instant last = Instant.parse(byAddress.get("shop@example.test").get("last_received").asText());
        assertThat(last).isAfter(Instant.now().minusSeconds(600));
        Response one = api.get("/api/v1/addresses/" + newsId, alice);
        assertThat(one.body().get("received_count").asLong()).isEqualTo(1);

        Map<String, JsonNode> bySubject = new LinkedHashMap<>();
        envelopes("").get("messages").forEach(m -> bySubject.put(m.get("subject").asText(), m));
        assertThat(bySubject.get("Order confirmation").get("arrived_on").get("address").asText())
                .isEqualTo("shop@example.test");
        assertThat(bySubject.get("Order confirmation").get("arrived_on").get("id").asText()).isEqualTo(shopId);
        assertThat(bySubject.get("Weekly news").get("arrived_on").get("address").asText()).isEqualTo("news@example.test");
        assertThat(bySubject.get("Both").get("arrived_on").get("address").asText()).isEqualTo("shop@example.test");
        assertThat(bySubject).hasSize(3);
    }

    @Test
    void mailboxesHaveCountsAndSpecialUses() {
        Response r = api.get("/api/v1/mailboxes", alice);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode inboxNode = null;
        List<String> uses = new ArrayList<>();
        for (JsonNode box : r.body().get("mailboxes")) {
            uses.add(box.get("special_use").asText());
            if (box.get("id").asText().equals(inbox)) {
                inboxNode = box;
            }
        }
        assertThat(uses).contains("inbox", "sent", "trash", "archive", "junk", "drafts");
        assertThat(inboxNode.get("total").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(inboxNode.get("unseen").asLong()).isLessThanOrEqualTo(inboxNode.get("total").asLong());
        assertThat(r.raw()).doesNotContain("For Bob");
    }

    @Test
    void envelopesPageByCursorAndSort() {
        JsonNode all = envelopes("?limit=200").get("messages");
        int n = all.size();
        JsonNode first = envelopes("?limit=1");
        assertThat(first.get("messages")).hasSize(1);
        List<String> walked = new ArrayList<>(subjects(first.get("messages")));
        String cursor = first.get("next_cursor").asText();
        while (true) {
            JsonNode page = envelopes("?limit=1&cursor=" + q(cursor));
            walked.addAll(subjects(page.get("messages")));
            if (page.get("next_cursor").isNull()) {
                break;
            }
            cursor = page.get("next_cursor").asText();
        }
        assertThat(walked).containsExactlyElementsOf(subjects(all)).hasSize(n);
        List<String> asc = subjects(envelopes("?order=asc").get("messages"));
        List<String> reversed = new ArrayList<>(subjects(all));
        java.util.Collections.reverse(reversed);
        assertThat(asc).containsExactlyElementsOf(reversed);

        List<String> bySubject = subjects(envelopes("?sort=subject&order=asc").get("messages"));
        assertThat(bySubject).isSorted();
        JsonNode firstOfTwo = envelopes("?sort=subject&order=asc&limit=1");
        JsonNode rest = envelopes("?sort=subject&order=asc&limit=200&cursor=" + q(firstOfTwo.get("next_cursor").asText()));
        assertThat(subjects(rest.get("messages"))).containsExactlyElementsOf(bySubject.subList(1, bySubject.size()));
        assertThat(subjects(envelopes("?sort=from&order=asc").get("messages"))).hasSize(n);
        assertThat(subjects(envelopes("?sort=date&order=desc").get("messages"))).hasSize(n);

        JsonNode order = null;
        for (JsonNode m : all) {
            if (m.get("id").asText().equals(orderId)) {
                order = m;
            }
        }
        assertThat(order.get("from").asText()).isEqualTo("Shop <" + SENDER + ">");
        assertThat(order.get("to").asText()).isEqualTo("shop@example.test");
        assertThat(order.get("date").asText()).isEqualTo("2026-11-02T10:00:00Z");
        assertThat(order.get("has_attachment").asBoolean()).isTrue();
        assertThat(order.get("size").asLong()).isPositive();
        assertThat(order.get("mailbox_id").asText()).isEqualTo(inbox);
        assertThat(order.get("received").asText()).isNotBlank();
        assertThat(order.get("flags").isArray()).isTrue();
    }

    @Test
    void aMessageIsShownSanitisedWithRemoteContentBlockedAndCidRewritten() {
        Response r = api.get("/api/v1/messages/" + orderId, alice);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        String html = r.text("html");
        assertThat(html).contains("Thanks for your <b>order</b> Grüße").doesNotContainIgnoringCase("<script")
                .doesNotContain("alert").doesNotContain("onclick").doesNotContain("track.example")
                .doesNotContain("javascript:").doesNotContain("cid:").doesNotContainIgnoringCase("<style")
                .contains("data-postern-blocked=\"remote-image\"")
                .contains("href=\"https://shop.example/o/1\"").contains("rel=\"noopener noreferrer\"")
                .contains("target=\"_blank\"");
        JsonNode logo = attachment(r.body(), "part-1-2");
        assertThat(html).contains("src=\"/api/v1/messages/" + orderId + "/inline/" + logo.get("part_id").asText() + "\"");
        // an SVG is no inline image: its cid reference is dropped, not rewritten
        assertThat(html).doesNotContain("/inline/1.3");
        assertThat(r.text("text")).contains("Thanks for your order, Grüße (plain)");
        assertThat(r.body().get("remote_content_blocked").asInt()).isEqualTo(1);
        assertThat(logo.get("inline").asBoolean()).isTrue();
        assertThat(logo.get("content_id").asText()).isEqualTo("logo@sender.test");
        assertThat(logo.get("content_type").asText()).isEqualTo("image/png");
        assertThat(logo.get("size").asLong()).isEqualTo(PNG.length);
        JsonNode pdf = attachment(r.body(), "r\u00e9port.pdf");
        assertThat(pdf.get("inline").asBoolean()).isFalse();
        assertThat(pdf.get("size").asLong()).isEqualTo(PDF.length);
        assertThat(pdf.get("url").asText()).isEqualTo("/api/v1/messages/" + orderId + "/attachments/"
                + pdf.get("part_id").asText());
        assertThat(r.text("subject")).isEqualTo("Order confirmation");

        Response allowed = api.get("/api/v1/messages/" + orderId + "?remote_images=allow", alice);
        assertThat(allowed.text("html")).contains("src=\"https://track.example/pixel.gif\"").doesNotContain("bg.png")
                .doesNotContain("alert");
        assertThat(allowed.body().get("remote_content_blocked").asInt()).isZero();
    }

    @Test
    void attachmentsAreServedAsDownloadsWithSafeNamesAndPassiveTypes() throws Exception {
        JsonNode message = api.get("/api/v1/messages/" + orderId, alice).body();
        JsonNode pdf = attachment(message, "r\u00e9port.pdf");
        Raw r = raw(pdf.get("url").asText(), alice);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(PDF);
        assertThat(r.headers().get("content-type")).startsWith("application/pdf");
        assertThat(r.headers().get("content-disposition"))
                .isEqualTo("attachment; filename=\"r_port.pdf\"; filename*=UTF-8''r%C3%A9port.pdf");
        assertThat(r.headers().get("x-content-type-options")).isEqualTo("nosniff");
        assertThat(r.headers().get("cache-control")).isEqualTo("no-store");
        assertThat(r.headers().get("content-security-policy")).contains("sandbox");

        JsonNode page = attachment(message, "page.html");
        Raw html = raw(page.get("url").asText(), alice);
        assertThat(html.status()).isEqualTo(200);
        assertThat(html.headers().get("content-type")).isEqualTo("application/octet-stream");
        assertThat(html.headers().get("content-disposition")).startsWith("attachment; filename=\"page.html\"");

        JsonNode logo = attachment(message, "part-1-2");
        Raw inline = raw("/api/v1/messages/" + orderId + "/inline/" + logo.get("part_id").asText(), alice);
        assertThat(inline.status()).isEqualTo(200);
        assertThat(inline.body()).isEqualTo(PNG);
        assertThat(inline.headers().get("content-type")).isEqualTo("image/png");
        assertThat(inline.headers().get("content-disposition")).startsWith("inline;");
        assertThat(inline.headers().get("x-content-type-options")).isEqualTo("nosniff");
        // SVG, HTML and PDF parts are never inline images
        for (String part : List.of("1.3", page.get("part_id").asText(), pdf.get("part_id").asText())) {
            Raw refused = raw("/api/v1/messages/" + orderId + "/inline/" + part, alice);
            assertThat(refused.status()).as(part).isEqualTo(404);
            assertThat(new String(refused.body(), StandardCharsets.UTF_8)).isEqualTo(NOT_FOUND);
        }
        assertThat(raw("/api/v1/messages/" + orderId + "/attachments/9.9", alice).status()).isEqualTo(404);
        Raw badPart = raw("/api/v1/messages/" + orderId + "/attachments/abc", alice);
        assertThat(badPart.status()).isEqualTo(400);
        assertThat(new String(badPart.body(), StandardCharsets.UTF_8)).contains("part");
        assertThat(raw(pdf.get("url").asText(), null).status()).isEqualTo(401);
    }

    @Test
    void flagsAreSetAndClearedAndUnseenCountFollows() {
        long unseenBefore = inboxUnseen();
        Response set = api.post("/api/v1/messages/" + bothId + "/flags", alice,
                Map.of("add", List.of("\\Seen", "\\Flagged", "work")));
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        assertThat(set.body().get("flags").toString()).isEqualTo("[\"\\\\Flagged\",\"\\\\Seen\",\"work\"]");
        assertThat(inboxUnseen()).isEqualTo(unseenBefore - 1);
        Response cleared = api.post("/api/v1/messages/" + bothId + "/flags", alice,
                Map.of("remove", List.of("\\Seen", "work")));
        assertThat(cleared.body().get("flags").toString()).isEqualTo("[\"\\\\Flagged\"]");
        assertThat(inboxUnseen()).isEqualTo(unseenBefore);

        Response bad = api.post("/api/v1/messages/" + bothId + "/flags", alice, Map.of("add", List.of("\\Bogus")));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.text("message")).contains("flags");
        Response notArray = api.post("/api/v1/messages/" + bothId + "/flags", alice, Map.of("add", "\\Seen"));
        assertThat(notArray.status()).isEqualTo(400);
        assertThat(notArray.text("message")).contains("add");
        assertThat(api.post("/api/v1/messages/" + bothId + "/flags", alice, Map.of()).status()).isEqualTo(400);
    }

    long inboxUnseen() {
        for (JsonNode box : api.get("/api/v1/mailboxes", alice).body().get("mailboxes")) {
            if (box.get("id").asText().equals(inbox)) {
                return box.get("unseen").asLong();
            }
        }
        throw new AssertionError("no INBOX");
    }

    @Test
    void moveThenDeleteToTrashThenExpunge() throws Exception {
        deliver(List.of("news@example.test"), TestMessages.message(SENDER, "news@example.test",
                TestMessages.newMessageId("sender.test"), "Disposable", "throw me away\n"));
        String id = null;
        for (JsonNode m : envelopes("?limit=200").get("messages")) {
            if (m.get("subject").asText().equals("Disposable")) {
                id = m.get("id").asText();
            }
        }
        Response moved = api.post("/api/v1/messages/" + id + "/move", alice, body("mailbox", archive));
        assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
        assertThat(moved.text("mailbox_id")).isEqualTo(archive);
        assertThat(moved.body().get("arrived_on").get("address").asText()).isEqualTo("news@example.test");
        String movedId = moved.text("id");
        assertThat(api.get("/api/v1/messages/" + id, alice).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/messages/" + movedId, alice).text("subject")).isEqualTo("Disposable");

        Response toTrash = api.delete("/api/v1/messages/" + movedId, alice);
        assertThat(toTrash.status()).as(toTrash.toString()).isEqualTo(200);
        assertThat(toTrash.text("result")).isEqualTo("moved_to_trash");
        String trashId = toTrash.body().get("message").get("id").asText();
        String trashBox = toTrash.body().get("message").get("mailbox_id").asText();
        assertThat(api.get("/api/v1/mailboxes", alice).raw()).contains(trashBox);
        assertThat(api.get("/api/v1/messages/" + movedId, alice).status()).isEqualTo(404);

        Response expunged = api.delete("/api/v1/messages/" + trashId, alice);
        assertThat(expunged.status()).as(expunged.toString()).isEqualTo(200);
        assertThat(expunged.text("result")).isEqualTo("expunged");
        assertThat(api.get("/api/v1/messages/" + trashId, alice).raw()).isEqualTo(NOT_FOUND);
        assertThat(api.delete("/api/v1/messages/" + trashId, alice).status()).isEqualTo(404);

        Response badTarget = api.post("/api/v1/messages/" + orderId + "/move", alice, body("mailbox", "x"));
        assertThat(badTarget.status()).isEqualTo(400);
        assertThat(badTarget.text("message")).contains("mailbox");
        assertThat(api.post("/api/v1/messages/" + orderId + "/move", alice, body("mailbox", MISSING_ID)).status())
                .isEqualTo(404);
    }

    @Test
    void searchByEachCriterion() {
        assertThat(search("from=" + q("orders@sender"))).contains("Order confirmation", "Weekly news")
                .doesNotContain("Both");
        assertThat(search("from=" + q("OTHER@sender.test"))).containsExactly("Both");
        assertThat(search("to=" + q("news@example.test"))).contains("Weekly news", "Both")
                .doesNotContain("Order confirmation");
        assertThat(search("subject=confirm")).containsExactly("Order confirmation");
        assertThat(search("body=kumquat")).containsExactly("Weekly news");
        assertThat(search("body=" + q("Grüße"))).containsExactly("Order confirmation");
        assertThat(search("has_attachment=true")).containsExactly("Order confirmation");
        assertThat(search("has_attachment=false")).contains("Weekly news", "Both").doesNotContain("Order confirmation");
        assertThat(search("arrived_on=" + newsId)).contains("Weekly news").doesNotContain("Both", "Order confirmation");
        assertThat(search("arrived_on=" + shopId)).contains("Order confirmation", "Both");
        assertThat(search("since=" + q(Instant.now().plusSeconds(3600).toString()))).isEmpty();
        assertThat(search("before=2000-01-01")).isEmpty();
        assertThat(search("since=2000-01-01&before=" + q(Instant.now().plusSeconds(3600).toString())
                + "&subject=weekly")).containsExactly("Weekly news");
        assertThat(search("mailbox=" + inbox + "&subject=both&arrived_on=" + shopId)).containsExactly("Both");
        assertThat(search("mailbox=" + archive + "&subject=both")).isEmpty();
        assertThat(search("subject=nothing-like-this")).isEmpty();

        Response paged = api.get("/api/v1/messages?from=sender.test&limit=1", alice);
        assertThat(paged.body().get("messages")).hasSize(1);
        Response next = api.get("/api/v1/messages?from=sender.test&limit=1&cursor=" + q(paged.text("next_cursor")), alice);
        assertThat(next.status()).isEqualTo(200);
        assertThat(subjects(next.body().get("messages"))).doesNotContainAnyElementsOf(subjects(paged.body().get("messages")));

        Response none = api.get("/api/v1/messages", alice);
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.text("message")).contains("criterion");
        Response badDate = api.get("/api/v1/messages?since=yesterday", alice);
        assertThat(badDate.status()).isEqualTo(400);
        assertThat(badDate.text("message")).contains("since");
        Response badBool = api.get("/api/v1/messages?has_attachment=maybe", alice);
        assertThat(badBool.text("message")).contains("has_attachment");
        Response badAddress = api.get("/api/v1/messages?arrived_on=nope", alice);
        assertThat(badAddress.status()).isEqualTo(400);
        assertThat(badAddress.text("message")).contains("arrived_on");
        Response longText = api.get("/api/v1/messages?subject=" + "x".repeat(201), alice);
        assertThat(longText.status()).isEqualTo(400);
        assertThat(longText.text("message")).contains("subject");
    }

    @Test
    void badInputIsRefusedWithTheFieldNamed() {
        String list = "/api/v1/mailboxes/" + inbox + "/messages";
        Response cursor = api.get(list + "?cursor=not-a-cursor", alice);
        assertThat(cursor.status()).isEqualTo(400);
        assertThat(cursor.text("message")).contains("cursor");
        Response forged = api.get(list + "?cursor=" + q(Base64.getUrlEncoder().encodeToString("k|ARRIVAL|d|x|y".getBytes())), alice);
        assertThat(forged.status()).isEqualTo(400);
        assertThat(forged.text("message")).contains("cursor");
        Response otherSort = api.get(list + "?sort=subject&cursor=" + q(envelopes("?limit=1").get("next_cursor").asText()), alice);
        assertThat(otherSort.status()).isEqualTo(400);
        assertThat(otherSort.text("message")).contains("cursor");
        Response huge = api.get(list + "?limit=100000", alice);
        assertThat(huge.status()).isEqualTo(400);
        assertThat(huge.text("message")).contains("limit");
        assertThat(api.get(list + "?limit=0", alice).status()).isEqualTo(400);
        assertThat(api.get(list + "?limit=ten", alice).text("message")).contains("limit");
        Response sort = api.get(list + "?sort=size", alice);
        assertThat(sort.status()).isEqualTo(400);
        assertThat(sort.text("message")).contains("sort");
        assertThat(api.get(list + "?order=up", alice).text("message")).contains("order");
        Response badMailbox = api.get("/api/v1/mailboxes/INBOX/messages", alice);
        assertThat(badMailbox.status()).isEqualTo(400);
        assertThat(badMailbox.text("message")).contains("id");
        Response badMessage = api.get("/api/v1/messages/..%2F..%2Fetc%2Fpasswd", alice);
        assertThat(badMessage.status()).isIn(400, 404);
        Response badId = api.get("/api/v1/messages/not-an-id", alice);
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.text("message")).contains("id");
        assertThat(api.get("/api/v1/messages/" + MISSING_ID, alice).raw()).isEqualTo(NOT_FOUND);
        Response remote = api.get("/api/v1/messages/" + orderId + "?remote_images=please", alice);
        assertThat(remote.status()).isEqualTo(400);
        assertThat(remote.text("message")).contains("remote_images");
        assertThat(api.get("/api/v1/mailboxes", null).status()).isEqualTo(401);
    }

    @Test
    void apiTokensNeedReadMailToReadAndManageMailToChange() {
        Response created = api.post("/api/v1/auth/api-tokens", alice, Map.of("name", "reader", "scopes", List.of("read-mail")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String reader = created.text("secret");
        assertThat(api.get("/api/v1/mailboxes", reader).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/messages/" + orderId, reader).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/messages/" + orderId + "/flags", reader, Map.of("add", List.of("\\Seen"))).status())
                .isEqualTo(403);
        assertThat(api.delete("/api/v1/messages/" + orderId, reader).status()).isEqualTo(403);
        String manager = api.post("/api/v1/auth/api-tokens", alice, Map.of("name", "manager", "scopes",
                List.of("manage-mail"))).text("secret");
        assertThat(api.get("/api/v1/mailboxes", manager).status()).isEqualTo(403);
        Response flagged = api.post("/api/v1/messages/" + orderId + "/flags", manager, Map.of("add", List.of("\\Answered")));
        assertThat(flagged.status()).as(flagged.toString()).isEqualTo(200);
        String addresses = api.post("/api/v1/auth/api-tokens", alice, Map.of("name", "addr", "scopes",
                List.of("manage-addresses"))).text("secret");
        assertThat(api.get("/api/v1/mailboxes", addresses).status()).isEqualTo(403);
    }

    @Test
    void anotherTenantGetsNotFoundForEveryMailEndpointWithTheseIds() throws Exception {
        JsonNode message = api.get("/api/v1/messages/" + orderId, alice).body();
        String pdfPart = attachment(message, "r\u00e9port.pdf").get("part_id").asText();
        String logoPart = attachment(message, "part-1-2").get("part_id").asText();
        for (String id : List.of(orderId, MISSING_ID)) {
            List<Response> answers = List.of(
                    api.get("/api/v1/messages/" + id, bob),
                    api.post("/api/v1/messages/" + id + "/flags", bob, Map.of("add", List.of("\\Seen"))),
                    api.post("/api/v1/messages/" + id + "/move", bob, body("mailbox", bobInbox)),
                    api.delete("/api/v1/messages/" + id, bob));
            for (Response r : answers) {
                assertThat(r.status()).as(id + " " + r).isEqualTo(404);
                assertThat(r.raw()).isEqualTo(NOT_FOUND);
            }
            for (String part : List.of(pdfPart, logoPart)) {
                for (String kind : List.of("attachments", "inline")) {
                    Raw r = raw("/api/v1/messages/" + id + "/" + kind + "/" + part, bob);
                    assertThat(r.status()).as(kind + " " + part).isEqualTo(404);
                    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(NOT_FOUND);
                }
            }
        }
        for (String box : List.of(inbox, MISSING_ID)) {
            Response list = api.get("/api/v1/mailboxes/" + box + "/messages", bob);
            assertThat(list.status()).isEqualTo(404);
            assertThat(list.raw()).isEqualTo(NOT_FOUND);
            Response search = api.get("/api/v1/messages?subject=order&mailbox=" + box, bob);
            assertThat(search.raw()).isEqualTo(NOT_FOUND);
        }
        for (String address : List.of(shopId, MISSING_ID)) {
            assertThat(api.get("/api/v1/messages?arrived_on=" + address, bob).raw()).isEqualTo(NOT_FOUND);
        }
        // bob cannot move his own message into alice's mailbox either
        Response into = api.post("/api/v1/messages/" + bobMessageId + "/move", bob, body("mailbox", archive));
        assertThat(into.raw()).isEqualTo(NOT_FOUND);
        // and his search and lists never show alice's mail
        assertThat(api.get("/api/v1/messages?subject=order", bob).body().get("messages")).isEmpty();
        assertThat(api.get("/api/v1/mailboxes", bob).raw()).doesNotContain(inbox).doesNotContain(archive);
        // alice's message is untouched
        Response still = api.get("/api/v1/messages/" + orderId, alice);
        assertThat(still.status()).isEqualTo(200);
        assertThat(still.text("mailbox_id")).isEqualTo(inbox);
        assertThat(still.body().get("flags").toString()).doesNotContain("Seen");
    }
}
