package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.IdentityE2ETest.ok;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.postern.mta.checks.LoopbackDns;

/**
 * Writing mail in the web app, in Debian's headless Chromium against the real server. A message
 * arrives by SMTP on one of the user's addresses with a Reply-To of another local user; the user
 * presses Reply, finds the recipient, "Re:" subject, quoted text and the address it arrived on
 * filled in, types, attaches a file (and removes a second one), and sends. The other user's
 * inbox then holds the reply with In-Reply-To and the attachment, the user's Sent holds it, and
 * the original is \Answered. An address revoked while the form is open is refused by the server,
 * and the form says so. The console stays free of CSP violations and script errors.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebComposeE2ETest {
    private static final String ADMIN = "root@example.test";
    private static final String PASSWORD = "a long passphrase for tests";
    private static final String BOB = "bob@example.test";
    private static final String SENDER = "news@sender.test";
    private static final String ADDRESS = "reader@example.test";
    private static final String SPARE = "spare@example.test";
    private static final String SUBJECT = "Re: RE: Lunch on Friday?";
    private static final String ATTACHED = "attached by the browser test\n";

    @TempDir
    static Path tmp;

    static LoopbackDns dns;
    static Launcher postern;
    static RunningServer server;
    static Browser browser;
    static String base;
    static String originalId;

    @BeforeAll
    static void start() throws Exception {
        assertThat(Browser.available()).as("chromium and chromium-driver are installed").isTrue();
        dns = LoopbackDns.zone().txt("sender.test", "v=spf1 ip4:127.0.0.1 -all").start();
        postern = new Launcher(tmp.resolve("data")).env("POSTERN_DNS_SERVERS", dns.serverSpec());
        ok(postern.run("domain", "add", "example.test"));
        ok(postern.runWithInput((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8), "user", "add", ADMIN, "--admin",
                "--password-stdin"));
        ok(postern.runWithInput((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8), "user", "add", BOB,
                "--password-stdin"));
        server = RunningServer.start(postern, RunningServer.MX_HOSTNAME);
        base = "https://127.0.0.1:" + server.port("http") + "/";
        browser = Browser.start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
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
    }

    static WebElement byId(String id) {
        return browser.visible(By.id(id));
    }

    static void createAddress(String address) {
        byId("new-address").click();
        WebElement local = byId("new-local-part");
        local.clear();
        local.sendKeys(address.substring(0, address.indexOf('@')));
        new Select(byId("new-domain")).selectByValue("example.test");
        byId("create-address-form").submit();
        browser.textAppears(By.id("address-messages"), "Created " + address);
    }

    static List<Deployment.Mail> mailbox(String login, String name) {
        return Deployment.messages(postern.dataDir(), login, name);
    }

    @Test
    @Order(1)
    void aUserSignsInWithTwoAddressesAndMailArrives() throws Exception {
        browser.driver.get(base);
        browser.visible(By.cssSelector("#signin-form input[name=login]")).sendKeys(ADMIN);
        browser.driver.findElement(By.cssSelector("#signin-form input[name=password]")).sendKeys(PASSWORD, Keys.ENTER);
        Authenticator phone = new Authenticator(byId("totp-secret").getText().replace(" ", ""));
        byId("enrol-form").findElement(By.name("code")).sendKeys(phone.code(phone.step()), Keys.ENTER);
        byId("recovery-codes");
        byId("codes-saved").click();
        createAddress(SPARE);
        createAddress(ADDRESS);

        originalId = TestMessages.newMessageId("sender.test");
        String text = "From: News <" + SENDER + ">\r\n"
                + "Reply-To: Bob <" + BOB + ">\r\n"
                + "To: " + ADDRESS + "\r\n"
                + "Subject: " + SUBJECT + "\r\n"
                + "Date: Mon, 02 Nov 2026 10:00:00 +0000\r\n"
                + "Message-ID: <" + originalId + ">\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\n"
                + "Shall we meet at noon?\r\nBob\r\n";
        try (SmtpConnection c = SmtpConnection.ready(server.smtpPort())) {
            c.send(SENDER, List.of(ADDRESS), text.getBytes(StandardCharsets.UTF_8)).require(250);
        }
    }

    @Test
    @Order(2)
    void replyFillsTheFormAndSendsWithAnAttachment() throws Exception {
        browser.clickable(By.cssSelector("#nav a[href='#/mail']")).click();
        browser.waiting(Duration.ofSeconds(20)).until(d -> {
            WebElement row = d.findElements(By.cssSelector("#message-list tbody tr")).stream()
                    .filter(r -> r.getText().contains("Lunch")).findFirst().orElse(null);
            if (row == null) {
                return null;
            }
            row.findElement(By.cssSelector("button.open-message")).click();
            return true;
        });
        browser.textAppears(By.id("message-subject"), SUBJECT);
        byId("reply-message").click();

        WebElement body = byId("compose-text");
        assertThat(browser.driver.switchTo().activeElement()).as("focus starts in the body").isEqualTo(body);
        assertThat(byId("compose-to").getDomProperty("value")).isEqualTo(BOB);
        assertThat(byId("compose-subject").getDomProperty("value")).isEqualTo("Re: Lunch on Friday?");
        assertThat(new Select(byId("compose-from")).getFirstSelectedOption().getText()).as("the address it arrived on")
                .isEqualTo(ADDRESS);
        assertThat(body.getDomProperty("value")).contains("> Shall we meet at noon?").contains("wrote:");
        // Every control has a label.
        for (String id : List.of("compose-from", "compose-to", "compose-cc", "compose-bcc", "compose-subject", "compose-text",
                "compose-attach")) {
            assertThat(browser.driver.findElements(By.cssSelector("label[for='" + id + "']"))).as(id).hasSize(1);
        }

        body.sendKeys("Noon is fine.");
        Path file = tmp.resolve("reply-notes.txt");
        Files.writeString(file, ATTACHED);
        Path other = tmp.resolve("not-this-one.txt");
        Files.writeString(other, "removed before sending\n");
        byId("compose-attach").sendKeys(file.toString());
        browser.textAppears(By.id("compose-files"), "reply-notes.txt");
        byId("compose-attach").sendKeys(other.toString());
        browser.textAppears(By.id("compose-files"), "not-this-one.txt");
        browser.driver.findElement(By.cssSelector("#compose-files li[data-filename='not-this-one.txt'] button.remove-file"))
                .click();
        browser.waiting(Duration.ofSeconds(10)).until(d -> !byId("compose-files").getText().contains("not-this-one"));
        assertThat(byId("compose-files").getText()).contains("reply-notes.txt").contains(ATTACHED.length() + " B");
        browser.screenshots("30-mail-compose-reply");

        byId("compose-send").click();
        browser.textAppears(By.id("mail-messages"), "Sent.");
        browser.textAppears(By.id("mail-list-title"), "INBOX");

        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                assertThat(mailbox(BOB, "INBOX")).anyMatch(m -> m.text().contains("Subject: Re: Lunch on Friday?")));
        Deployment.Mail got = mailbox(BOB, "INBOX").stream().filter(m -> m.text().contains("Subject: Re: Lunch on Friday?"))
                .findFirst().orElseThrow();
        assertThat(got.headerFields()).contains("In-Reply-To: <" + originalId + ">").contains("Subject: Re: Lunch on Friday?")
                .anyMatch(f -> f.startsWith("From: ") && f.contains(ADDRESS));
        String encoded = Base64.getEncoder().encodeToString(ATTACHED.getBytes(StandardCharsets.UTF_8));
        assertThat(got.text()).contains("reply-notes.txt").contains(encoded).contains("Noon is fine")
                .contains("> Shall we meet at noon?").doesNotContain("not-this-one");
        String messageId = got.messageId();
        assertThat(mailbox(ADMIN, "Sent")).as("the user's Sent").anyMatch(m -> m.messageId().equals(messageId));
        Deployment.Mail original = mailbox(ADMIN, "INBOX").stream().filter(m -> m.messageId().equals(originalId))
                .findFirst().orElseThrow();
        assertThat(original.row().flags()).contains("\\Answered");
    }

    @Test
    @Order(3)
    void aNewMessageFromAnAddressRevokedMeanwhileShowsTheServersRefusal() throws Exception {
        byId("compose-new").click();
        new Select(byId("compose-from")).selectByVisibleText(SPARE);
        byId("compose-to").sendKeys("not an address");
        byId("compose-subject").sendKeys("From the spare address");
        byId("compose-text").sendKeys("Hello.");
        browser.screenshots("31-mail-compose-new");
        byId("compose-send").click();
        browser.textAppears(By.id("compose-messages"), "Not an email address: not an address");

        // Revoked in another tab: the page's own API module (one instance per URL) does it.
        Object revoked = browser.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import('/web/js/api.js').then(async (api) => {
                  const list = await api.get('/addresses');
                  const a = list.addresses.find((x) => x.address === arguments[0]);
                  const r = await api.post(`/addresses/${encodeURIComponent(a.id)}/revoke`);
                  done(r.state);
                }).catch((e) => done(String(e)));
                """, SPARE);
        assertThat(revoked).isEqualTo("revoked");
        WebElement to = byId("compose-to");
        to.clear();
        to.sendKeys(BOB);
        byId("compose-send").click();
        browser.textAppears(By.id("compose-messages"), "from must be an active address of yours");
        assertThat(byId("compose-messages").getText()).contains("refused");
        assertThat(byId("compose-send").isEnabled()).as("the form can be corrected and sent again").isTrue();
        assertThat(mailbox(BOB, "INBOX")).noneMatch(m -> m.text().contains("From the spare address"));
        browser.screenshots("32-mail-compose-refused");

        // Cancel goes back to the list; a fresh form no longer offers the revoked address.
        byId("compose-cancel").click();
        byId("mail-list-title");
        byId("compose-new").click();
        assertThat(new Select(byId("compose-from")).getOptions()).extracting(WebElement::getText).contains(ADDRESS)
                .doesNotContain(SPARE);
    }

    @Test
    @Order(4)
    void theBrowserReportedNoErrorOrCspViolation() {
        List<String> problems = browser.console().stream()
                .filter(line -> line.startsWith("SEVERE") || line.startsWith("WARNING")
                        || line.contains("Content Security Policy") || line.contains("Refused to"))
                // The refusal the revoked-address test provokes on purpose.
                .filter(line -> !(line.contains("/api/v1/messages/send - Failed to load resource") && line.contains("403")))
                .toList();
        assertThat(problems).as("browser console").isEmpty();
    }
}
