package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.IdentityE2ETest.ok;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.postern.mta.checks.LoopbackDns;

/**
 * The admin screens in Debian's headless Chromium against the real server. A server admin signs
 * in with password and TOTP, opens a domain's DNS screen and sees each record the server wants
 * published marked found, different (with what DNS holds) or not found, against a loopback
 * dnsmasq (POSTERN_DNS_SERVERS) serving some of them as {@code ./postern dns} printed them. Mail
 * submitted to an unreachable destination shows up in the outbound queue screen, which pages, shows
 * one message's recipients without its body, retries it (one more attempt) and deletes it after a
 * confirmation. A tenant admin requires two-factor of one user, whose next sign-in can then only
 * enrol it. Screens are checked at phone width for overflow; screenshots go to
 * target/screenshots; the console must stay free of CSP violations and script errors.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebAdminE2ETest {
    private static final String HOST = RunningServer.MX_HOSTNAME;
    private static final String DOMAIN = "example.test";
    private static final String ROOT = "root@example.test";
    private static final String ALICE = "alice@example.test";
    private static final String TENANT_ADMIN = "ta@example.test";
    private static final String PASSWORD = "a long passphrase for tests";
    private static final String HELD = "held@down.test";
    private static final String BODY = "This body must never appear in the queue screen.";
    private static final int BULK = 26;

    @TempDir
    static Path tmp;

    static LoopbackDns dns;
    static Launcher postern;
    static RunningServer server;
    static Browser browser;
    static String base;
    static Authenticator phone;
    static long lastStep = Long.MIN_VALUE;
    static ZoneLines zone;
    static String gammaDnsLink;

    private static final String SEND = """
            import smtplib, ssl, sys
            port, user, pw, rcpts, body = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            s = smtplib.SMTP('127.0.0.1', port, local_hostname='laptop.example.test')
            s.starttls(context=ctx)
            s.login(user, pw)
            for r in rcpts.split(','):
                message = 'From: %s\\r\\nTo: %s\\r\\nSubject: queued for %s\\r\\n\\r\\n%s\\r\\n' % (user, r, r, body)
                s.sendmail(user, [r], message.encode())
                print('sent', r)
            s.quit()
            """;

    @BeforeAll
    static void start() throws Exception {
        assertThat(Browser.available()).as("chromium and chromium-driver are installed").isTrue();
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        postern = new Launcher(tmp.resolve("data")).env("POSTERN_HOSTNAME", HOST)
                // Nothing listens there: every delivery attempt to down.test is refused and deferred.
                .env("POSTERN_OUTBOUND_TRANSPORT", "down.test=[127.0.0.1]:" + deadPort)
                // Retries only when asked (the default first wait is 5 minutes; said here so it stays so).
                .env("POSTERN_OUTBOUND_RETRY_BASE", "10m");
        ok(postern.run("domain", "add", DOMAIN));
        ok(postern.runWithInput((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8), "user", "add", ROOT, "--admin",
                "--password-stdin"));
        ok(postern.runWithInput((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8), "user", "add", ALICE,
                "--password-stdin"));
        ok(postern.runWithInput((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8), "user", "add", TENANT_ADMIN,
                "--role", "tenant-admin", "--password-stdin"));
        ok(postern.run("dkim", "generate", DOMAIN));
        Launcher.Result printed = postern.run("dns", DOMAIN);
        ok(printed);
        zone = ZoneLines.parse(printed.out());
        // As an operator half-way through: MX, SPF, both DKIM keys and the MTA-STS host published,
        // DMARC with another policy, the MTA-STS id and TLS-RPT not yet.
        LoopbackDns.Zone served = LoopbackDns.zone().txt("_dmarc." + DOMAIN, "v=DMARC1; p=none");
        zone.get(DOMAIN, "MX").publish(served);
        zone.get(DOMAIN, "TXT").publish(served);
        zone.dkim().forEach(l -> l.publish(served));
        zone.get("mta-sts." + DOMAIN, "CNAME").publish(served);
        dns = served.start();
        postern.env("POSTERN_DNS_SERVERS", dns.serverSpec());
        server = RunningServer.start(postern, HOST);
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

    /** A TOTP code of a step later than any used so far (the server takes each step once). */
    static String freshCode() throws InterruptedException {
        for (int i = 0; i < 70; i++) {
            long now = phone.step();
            long candidate = Math.max(now - 1, lastStep + 1);
            if (candidate <= now + 1) {
                lastStep = candidate;
                return phone.code(candidate);
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("no unused TOTP step near now");
    }

    static WebElement byId(String id) {
        return browser.visible(By.id(id));
    }

    static void go(String route) {
        browser.clickable(By.cssSelector("#nav a[href='#/" + route + "']")).click();
    }

    static void signInWithPassword() {
        browser.driver.get(base);
        browser.visible(By.cssSelector("#signin-form input[name=login]")).sendKeys(ROOT);
        browser.driver.findElement(By.cssSelector("#signin-form input[name=password]")).sendKeys(PASSWORD, Keys.ENTER);
    }

    /** No part of the page is wider than a phone's screen (tables become cards there). */
    static void fitsAPhone() {
        browser.driver.manage().window().setSize(Browser.PHONE);
        try {
            Object overflow = browser.driver.executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertThat(((Number) overflow).intValue()).as("horizontal overflow at phone width").isLessThanOrEqualTo(0);
        } finally {
            browser.driver.manage().window().setSize(Browser.DESKTOP);
        }
    }

    /** The DNS screen's rows by "name type" to (status text, "In DNS now" text). */
    static Map<String, List<String>> dnsRows() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (WebElement row : browser.driver.findElements(By.cssSelector("#dns-area tr.dns-row"))) {
            String name = row.findElement(By.cssSelector("td[data-label='Name']")).getText();
            String type = row.findElement(By.cssSelector("td[data-label='Type']")).getText();
            out.put(name + " " + type, List.of(row.findElement(By.cssSelector("td[data-label='Status']")).getText(),
                    row.findElement(By.cssSelector("td[data-label='In DNS now']")).getText()));
        }
        return out;
    }

    static WebElement queueRow(String recipient) {
        return browser.waiting(Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector("#queue-table tr.queue-row"))
                .stream().filter(r -> r.findElements(By.cssSelector(".queue-recipient")).stream()
                        .anyMatch(e -> e.getText().equals(recipient)))
                .findFirst().orElse(null));
    }

    static int attempts() {
        return Integer.parseInt(browser.visible(By.cssSelector("#queue-recipients td.queue-attempts")).getText());
    }

    @Test
    @Order(1)
    void aServerAdminSignsInWithTotp() throws Exception {
        signInWithPassword();
        phone = new Authenticator(byId("totp-secret").getText().replace(" ", ""));
        byId("enrol-form").findElement(By.name("code")).sendKeys(freshCode(), Keys.ENTER);
        byId("codes-saved").click();
        browser.visible(By.id("new-address"));
        // A new page load forgets the session: sign in again, now with the authenticator.
        signInWithPassword();
        browser.visible(By.cssSelector("#totp-form input[name=code]")).sendKeys(freshCode(), Keys.ENTER);
        browser.visible(By.id("new-address"));
        assertThat(browser.driver.findElements(By.cssSelector("#nav a[href='#/queue']"))).hasSize(1);
    }

    @Test
    @Order(2)
    void theDomainsDnsScreenSaysWhichRecordsAreFoundInDns() throws Exception {
        go("admin");
        // A server admin sees every tenant.
        browser.textAppears(By.id("admin-tenants"), "default");
        WebElement link = browser.clickable(By.cssSelector("a.domain-dns-link[data-domain='" + DOMAIN + "']"));
        // Keyboard: the link takes focus and Enter follows it.
        browser.driver.executeScript("arguments[0].focus()", link);
        browser.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        browser.visible(By.cssSelector("#dns-area tr.dns-row"));
        assertThat(byId("dns-summary").getText()).contains("5 of 8 records found in DNS");
        assertThat(browser.driver.findElement(By.tagName("h1")).getText()).isEqualTo("DNS records for " + DOMAIN);
        assertThat(browser.driver.findElement(By.cssSelector("#nav a[aria-current=page]")).getText()).isEqualTo("Admin");
        Map<String, List<String>> rows = dnsRows();
        assertThat(rows).hasSize(8);
        assertThat(rows.get(DOMAIN + ". MX").get(0)).isEqualTo("Found");
        assertThat(rows.get(DOMAIN + ". TXT").get(0)).isEqualTo("Found");
        assertThat(zone.dkim()).hasSize(2);
        for (ZoneLines.Line dkim : zone.dkim()) {
            assertThat(rows.get(dkim.name() + ". TXT").get(0)).as(dkim.name()).isEqualTo("Found");
        }
        assertThat(rows.get("mta-sts." + DOMAIN + ". CNAME").get(0)).isEqualTo("Found");
        assertThat(rows.get("_dmarc." + DOMAIN + ". TXT")).containsExactly("Different", "v=DMARC1; p=none");
        assertThat(rows.get("_mta-sts." + DOMAIN + ". TXT").get(0)).isEqualTo("Not found");
        assertThat(rows.get("_smtp._tls." + DOMAIN + ". TXT").get(0)).isEqualTo("Not found");
        // The value to publish is the one ./postern dns printed.
        WebElement dmarc = browser.driver.findElements(By.cssSelector("#dns-area tr.dns-row")).stream()
                .filter(r -> r.getText().contains("_dmarc.")).findFirst().orElseThrow();
        assertThat(dmarc.findElement(By.cssSelector("code.dns-value")).getText())
                .isEqualTo(zone.get("_dmarc." + DOMAIN, "TXT").value());
        browser.screenshots("40-admin-dns");
        fitsAPhone();
        // Checking again from the keyboard redraws the same answer.
        WebElement again = byId("dns-check-again");
        browser.driver.executeScript("arguments[0].focus()", again);
        browser.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
        browser.textAppears(By.id("dns-summary"), "5 of 8 records found");
        byId("back-to-admin").click();
        browser.visible(By.id("admin-domains"));
    }

    @Test
    @Order(3)
    void aServerAdminCreatesATenantAndManagesItsDomains() throws Exception {
        go("admin");
        byId("new-tenant-name").sendKeys("gamma");
        byId("add-tenant-form").submit();
        browser.textAppears(By.id("admin-tenants"), "Created tenant gamma.");
        browser.clickable(By.xpath("//a[contains(@class,'manage-tenant') and text()='Manage gamma']")).click();
        browser.textAppears(By.tagName("h1"), "Admin: gamma");
        browser.textAppears(By.id("admin-domains"), "No domains.");
        byId("new-domain-name").sendKeys("gamma.test");
        byId("add-domain-form").submit();
        browser.textAppears(By.id("admin-domains"), "Added gamma.test.");
        browser.screenshots("44-admin-tenants");
        // The new domain is the new tenant's, and its DNS screen shows nothing published yet.
        assertThat(postern.run("domain", "list").out()).containsPattern("gamma\\.test\\s+gamma");
        WebElement gamma = browser.clickable(By.cssSelector("a.domain-dns-link[data-domain='gamma.test']"));
        gammaDnsLink = gamma.getAttribute("href");
        gamma.click();
        browser.textAppears(By.id("dns-summary"), "0 of 6 records found");
        assertThat(byId("dns-summary").getText()).contains("no DKIM key yet");
    }

    @Test
    @Order(4)
    void mailForAnUnreachableServerIsListedPagedRetriedAndDeletedInTheQueueScreen() throws Exception {
        List<String> rcpts = new ArrayList<>();
        for (int i = 1; i <= BULK; i++) {
            rcpts.add("bulk" + i + "@down.test");
        }
        rcpts.add(HELD);
        Launcher.Result sent = ExternalTool.run(Duration.ofSeconds(120), null, List.of(ExternalTool.PYTHON, "-c", SEND,
                Integer.toString(server.port("submission")), ALICE, PASSWORD, String.join(",", rcpts), BODY));
        assertThat(sent.exitCode()).as(sent.toString()).isZero();
        assertThat(sent.out()).contains("sent " + HELD);

        go("queue");
        // The newest first: the held message is on the first page once its first attempt failed.
        browser.waiting(Duration.ofSeconds(90)).until(d -> {
            byId("queue-refresh").click();
            WebElement row = queueRow(HELD);
            return row.getText().contains("Deferred");
        });
        assertThat(browser.driver.findElements(By.cssSelector("#queue-table tr.queue-row"))).hasSize(25);
        assertThat(byId("queue-table").getText()).doesNotContain(BODY);
        browser.screenshots("41-queue");
        fitsAPhone();
        // Older messages are on the next page.
        byId("queue-older").click();
        browser.waiting(Duration.ofSeconds(20)).until(d ->
                d.findElements(By.cssSelector("#queue-table tr.queue-row")).size() == BULK + 1 - 25);
        assertThat(byId("queue-older").isEnabled()).isFalse();
        byId("queue-newer").click();
        queueRow(HELD).findElement(By.cssSelector("a.queue-open")).click();

        WebElement rcpt = browser.visible(By.cssSelector("#queue-recipients tr.queue-rcpt-row"));
        assertThat(rcpt.getText()).contains(HELD).contains("Deferred");
        assertThat(rcpt.findElement(By.cssSelector("td.queue-last-reply")).getText()).isNotEqualTo("—").isNotBlank();
        assertThat(browser.driver.findElement(By.tagName("main")).getText()).doesNotContain(BODY);
        int before = attempts();
        assertThat(before).isPositive();
        browser.screenshots("42-queue-entry");
        fitsAPhone();

        byId("queue-retry").click();
        browser.textAppears(By.id("queue-messages"), "Retrying now");
        browser.waiting(Duration.ofSeconds(60)).until(d -> {
            browser.clickable(By.id("queue-entry-refresh")).click();
            // Read the count only once the redraw is done (the button is disabled meanwhile).
            browser.clickable(By.id("queue-entry-refresh"));
            return attempts() > before;
        });

        assertThat(queueCli()).contains(HELD);
        WebElement delete = byId("queue-delete");
        delete.click();
        // The first press only asks (for a few seconds); the second deletes.
        assertThat(delete.getText()).contains("Press again");
        assertThat(browser.driver.findElements(By.cssSelector("#queue-recipients tr.queue-rcpt-row"))).hasSize(1);
        delete.click();
        browser.textAppears(By.id("queue-messages"), "Deleted a message from the queue");
        browser.visible(By.cssSelector("#queue-table tr.queue-row"));
        assertThat(byId("queue-table").getText()).doesNotContain(HELD);
        assertThat(queueCli()).doesNotContain(HELD).contains("bulk1@down.test");
        browser.screenshots("43-queue-deleted");
    }

    @Test
    @Order(5)
    void aTenantAdminSeesOnlyTheirTenantAndNoQueue() throws Exception {
        byId("sign-out").click();
        browser.visible(By.id("signin-form"));
        browser.driver.get(base);
        browser.visible(By.cssSelector("#signin-form input[name=login]")).sendKeys(TENANT_ADMIN);
        browser.driver.findElement(By.cssSelector("#signin-form input[name=password]")).sendKeys(PASSWORD, Keys.ENTER);
        Authenticator own = new Authenticator(byId("totp-secret").getText().replace(" ", ""));
        byId("enrol-form").findElement(By.name("code")).sendKeys(own.code(own.step()), Keys.ENTER);
        byId("codes-saved").click();
        browser.visible(By.id("new-address"));
        assertThat(browser.driver.findElements(By.cssSelector("#nav a[href='#/queue']"))).isEmpty();
        go("admin");
        browser.visible(By.id("admin-domains"));
        assertThat(browser.driver.findElements(By.id("admin-tenants"))).isEmpty();
        // Another tenant's domain is not found, exactly like one that does not exist.
        // (By the hash only: loading the page again would sign out, the session lives in the tab's memory.)
        browser.driver.executeScript("location.hash = arguments[0]", gammaDnsLink.substring(gammaDnsLink.indexOf('#')));
        browser.textAppears(By.id("dns-area"), "Not found.");
        assertThat(browser.driver.findElements(By.cssSelector("#dns-area tr.dns-row"))).isEmpty();
        // The queue screen is not offered: its route falls back to the home screen.
        browser.driver.executeScript("location.hash = '#/queue'");
        browser.visible(By.id("new-address"));
        assertThat(browser.driver.findElements(By.id("queue-table"))).isEmpty();
    }

    @Test
    @Order(6)
    void aTenantAdminRequiresTwoFactorOfAUserWhoseNextSignInCanOnlyEnrolIt() throws Exception {
        go("admin");
        By aliceBox = By.cssSelector("input.require-mfa-user[data-login='" + ALICE + "']");
        WebElement box = browser.clickable(aliceBox);
        assertThat(box.isSelected()).isFalse();
        assertThat(browser.driver.findElement(By.cssSelector("#admin-users tr.user-row:not(:has(input.require-mfa-user))"))
                .getText()).as("an admin's own row").contains(TENANT_ADMIN).contains("Always (administrator)");
        assertThat(browser.driver.findElement(By.tagName("main")).getText()).doesNotStartWith("null")
                .doesNotContain("\nnull\n");
        WebElement label = browser.driver.findElement(By.cssSelector("label[for='" + box.getAttribute("id") + "']"));
        assertThat(label.getAttribute("textContent")).isEqualTo("Require two-factor for " + ALICE);
        // Keyboard: the checkbox takes focus and Space ticks it.
        browser.driver.executeScript("arguments[0].focus()", box);
        browser.driver.switchTo().activeElement().sendKeys(Keys.SPACE);
        browser.textAppears(By.id("admin-users"), ALICE + " must now use two-factor");
        assertThat(browser.clickable(aliceBox).isSelected()).as("the redrawn row shows the state").isTrue();
        browser.screenshots("45-admin-require-mfa");
        fitsAPhone();
        Launcher.Result users = postern.run("user", "list");
        ok(users);
        assertThat(users.out()).containsPattern(ALICE.replace(".", "\\.") + "\\tuser\\tactive\\t[0-9a-f-]+\\ton");

        byId("sign-out").click();
        browser.visible(By.id("signin-form"));
        browser.driver.get(base);
        browser.visible(By.cssSelector("#signin-form input[name=login]")).sendKeys(ALICE);
        browser.driver.findElement(By.cssSelector("#signin-form input[name=password]")).sendKeys(PASSWORD, Keys.ENTER);
        // Exactly what an admin (or everyone under the tenant policy) gets: the enrolment screen only.
        browser.visible(By.id("enrol-form"));
        assertThat(byId("totp-secret").getText()).isNotBlank();
        assertThat(browser.driver.findElements(By.id("new-address"))).isEmpty();
        browser.screenshots("46-required-user-enrols");
    }

    @Test
    @Order(7)
    void theBrowserReportedNoErrorOrCspViolation() {
        List<String> problems = browser.console().stream()
                .filter(line -> line.startsWith("SEVERE") || line.startsWith("WARNING")
                        || line.contains("Content Security Policy") || line.contains("Refused to"))
                // The mail API probe answers 404 on a server without it.
                .filter(line -> !(line.contains("/api/v1/mailboxes - Failed to load resource") && line.contains("404")))
                // The other tenant's domain asked for on purpose.
                .filter(line -> !(line.contains("/dns - Failed to load resource") && line.contains("404")))
                .toList();
        assertThat(problems).as("browser console").isEmpty();
    }

    private static String queueCli() {
        Launcher.Result r = postern.run("queue", "list");
        ok(r);
        return r.out();
    }
}
