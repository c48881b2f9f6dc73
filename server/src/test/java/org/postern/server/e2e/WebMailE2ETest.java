package org.postern.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.server.e2e.IdentityE2ETest.body;
import static org.postern.server.e2e.IdentityE2ETest.ok;

import com.sun.net.httpserver.HttpServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;
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
import org.postern.server.e2e.ApiClient.Response;

/**
 * Reading mail in the web app, in Debian's headless Chromium against the real server. A message
 * delivered by SMTP carries a script that would retitle the page and call a loopback URL, and a
 * remote image on a loopback HTTP server the test runs: the script never runs and the loopback
 * server gets no request at all, neither while the message is shown nor after "load remote
 * images" (the server keeps only https: images, and the frame may run nothing). The inline image
 * arrives in the sandboxed frame as a data: URL fetched with the token. Then: the address's count goes up on the home
 * screen, its mail is listed from there, the message is flagged, marked unread, found by search,
 * moved and deleted to Trash; an admin disables a user. The console stays free of CSP violations
 * and script errors. Screenshots go to target/screenshots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebMailE2ETest {
    private static final String ADMIN = "root@example.test";
    private static final String PASSWORD = "a long passphrase for tests";
    private static final String BOB = "bob@example.test";
    private static final String SENDER = "news@sender.test";
    private static final String ADDRESS = "reader@example.test";
    private static final String SUBJECT = "Quarterly newsletter";
    private static final String TITLE_MARK = "PWNED";

    @TempDir
    static Path tmp;

    static LoopbackDns dns;
    static RunningServer server;
    static ApiClient api;
    static Browser browser;
    static String base;
    static HttpServer loopback;
    static final List<String> loopbackRequests = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        assertThat(Browser.available()).as("chromium and chromium-driver are installed").isTrue();
        loopback = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        loopback.createContext("/", exchange -> {
            loopbackRequests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        loopback.start();
        dns = LoopbackDns.zone().txt("sender.test", "v=spf1 ip4:127.0.0.1 -all").start();
        Launcher postern = new Launcher(tmp.resolve("data")).env("POSTERN_DNS_SERVERS", dns.serverSpec());
        ok(postern.run("domain", "add", "example.test"));
        ok(postern.runWithInput((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8), "user", "add", ADMIN, "--admin",
                "--password-stdin"));
        ok(postern.runWithInput((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8), "user", "add", BOB,
                "--password-stdin"));
        server = RunningServer.start(postern, RunningServer.MX_HOSTNAME);
        api = new ApiClient(server.port("http"));
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
                if (loopback != null) {
                    loopback.stop(0);
                }
            }
        }
    }

    static WebElement byId(String id) {
        return browser.visible(By.id(id));
    }

    static void go(String route) {
        browser.clickable(By.cssSelector("#nav a[href='#/" + route + "']")).click();
    }

    static WebElement addressRow(String address) {
        return browser.waiting(Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector("main tbody tr")).stream()
                .filter(r -> r.findElements(By.cssSelector("td .address")).stream().anyMatch(c -> c.getText().equals(address)))
                .findFirst().orElse(null));
    }

    static WebElement messageRow(String subject) {
        return browser.waiting(Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector("#message-list tbody tr"))
                .stream().filter(r -> r.getText().contains(subject)).findFirst().orElse(null));
    }

    static void openMessage(String subject) {
        browser.waiting(Duration.ofSeconds(20)).until(d -> {
            messageRow(subject).findElement(By.cssSelector("button.open-message")).click();
            return true;
        });
        browser.textAppears(By.id("message-subject"), subject);
    }

    static void openMailbox(String name) {
        browser.clickable(By.cssSelector(".mailboxes a[data-mailbox='" + name + "']")).click();
        browser.textAppears(By.id("mail-list-title"), name);
    }

    static byte[] png() throws Exception {
        BufferedImage image = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 40; x++) {
            for (int y = 0; y < 20; y++) {
                image.setRGB(x, y, 0x1f4e79);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    static byte[] hostileMessage() throws Exception {
        String pixel = "http://127.0.0.1:" + loopback.getAddress().getPort();
        String html = "<html><head><script>document.title='" + TITLE_MARK + "';fetch('" + pixel + "/script')</script></head>"
                + "<body><h1 style=\"color:red\">News</h1><p onmouseover=\"fetch('" + pixel + "/handler')\">Hello reader,"
                + " here is the <b>news</b>.</p><img src=\"" + pixel + "/pixel.png\" width=\"1\" height=\"1\">"
                + "<img src=\"cid:logo@sender.test\" alt=\"logo\">"
                + "<iframe src=\"" + pixel + "/frame\"></iframe></body></html>";
        Base64.Encoder b64 = Base64.getMimeEncoder();
        String text = "From: News <" + SENDER + ">\r\n"
                + "To: " + ADDRESS + "\r\n"
                + "Subject: " + SUBJECT + "\r\n"
                + "Date: Mon, 02 Nov 2026 10:00:00 +0000\r\n"
                + "Message-ID: <" + TestMessages.newMessageId("sender.test") + ">\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"mixed\"\r\n\r\n"
                + "--mixed\r\nContent-Type: multipart/related; boundary=\"rel\"\r\n\r\n"
                + "--rel\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + b64.encodeToString(html.getBytes(StandardCharsets.UTF_8)) + "\r\n"
                + "--rel\r\nContent-Type: image/png\r\nContent-ID: <logo@sender.test>\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + b64.encodeToString(png()) + "\r\n"
                + "--rel--\r\n"
                + "--mixed\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=\"notes.txt\"\r\n\r\n"
                + "Some notes.\r\n"
                + "--mixed--\r\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @Order(1)
    void anAdminSignsInAndCreatesAnAddress() throws Exception {
        browser.driver.get(base);
        browser.visible(By.cssSelector("#signin-form input[name=login]")).sendKeys(ADMIN);
        browser.driver.findElement(By.cssSelector("#signin-form input[name=password]")).sendKeys(PASSWORD, Keys.ENTER);
        Authenticator phone = new Authenticator(byId("totp-secret").getText().replace(" ", ""));
        byId("enrol-form").findElement(By.name("code")).sendKeys(phone.code(phone.step()), Keys.ENTER);
        byId("recovery-codes");
        byId("codes-saved").click();
        byId("new-address").click();
        WebElement local = byId("new-local-part");
        local.clear();
        local.sendKeys(ADDRESS.substring(0, ADDRESS.indexOf('@')));
        new Select(byId("new-domain")).selectByValue("example.test");
        byId("create-address-form").submit();
        browser.textAppears(By.id("address-messages"), "Created " + ADDRESS);
        assertThat(addressRow(ADDRESS).findElement(By.cssSelector("td[data-label=Messages]")).getText()).isIn("0", "—");
    }

    @Test
    @Order(2)
    void aHostileMessageShowsInASandboxedFrameAndNothingRunsOrCallsOut() throws Exception {
        try (SmtpConnection c = SmtpConnection.ready(server.smtpPort())) {
            c.send(SENDER, List.of(ADDRESS), hostileMessage()).require(250);
        }
        // The count on the home screen goes up, and "Show mail" lists what arrived on the address.
        go("mail");
        go("addresses");
        browser.waiting(Duration.ofSeconds(20)).until(d ->
                addressRow(ADDRESS).findElement(By.cssSelector("td[data-label=Messages]")).getText().equals("1"));
        assertThat(addressRow(ADDRESS).findElement(By.cssSelector("td[data-label='Last received'] time"))).isNotNull();
        addressRow(ADDRESS).findElement(By.cssSelector("a.show-mail")).click();
        browser.textAppears(By.id("mail-list-title"), "arrived on");
        assertThat(browser.driver.findElements(By.cssSelector("#message-list tbody tr"))).hasSize(1);
        assertThat(messageRow(SUBJECT).getAttribute("class")).contains("unread");
        browser.screenshots("20-mail-by-address");

        openMessage(SUBJECT);
        WebElement frame = byId("message-frame");
        // Sandboxed: no scripts, an opaque origin; only links may open new tabs.
        assertThat(frame.getAttribute("sandbox")).isEqualTo("allow-popups allow-popups-to-escape-sandbox");
        assertThat(frame.getDomAttribute("src")).isNull();
        assertThat(frame.getDomAttribute("srcdoc")).doesNotContain("<script").doesNotContain(" style=");
        byId("remote-blocked");
        browser.driver.switchTo().frame(frame);
        try {
            assertThat(browser.driver.findElement(By.tagName("body")).getText()).contains("Hello reader");
            assertThat(browser.driver.findElements(By.tagName("script"))).isEmpty();
            assertThat(browser.driver.findElements(By.tagName("iframe"))).isEmpty();
            assertThat(browser.driver.findElements(By.cssSelector("[style]"))).isEmpty();
            WebElement logo = browser.driver.findElement(By.cssSelector("img[alt=logo]"));
            assertThat(logo.getDomAttribute("src")).startsWith("data:image/png;base64,");
            browser.waiting(Duration.ofSeconds(10)).until(d -> ((Number) browser.driver.executeScript(
                    "return arguments[0].naturalWidth", logo)).intValue() == 40);
        } finally {
            browser.driver.switchTo().defaultContent();
        }
        assertThat(browser.driver.getTitle()).doesNotContain(TITLE_MARK);
        browser.screenshots("21-mail-message");
        Thread.sleep(1000);
        assertThat(loopbackRequests).as("requests to the loopback server").isEmpty();

        // Loading remote images re-renders with them allowed; the http: pixel is still never fetched.
        byId("load-remote").click();
        browser.waiting(Duration.ofSeconds(20)).until(d -> d.findElements(By.id("remote-blocked")).isEmpty()
                && !d.findElements(By.id("message-frame")).isEmpty());
        Thread.sleep(1000);
        assertThat(loopbackRequests).as("requests to the loopback server").isEmpty();
        assertThat(browser.driver.getTitle()).doesNotContain(TITLE_MARK);

        // The attachment is offered for download under the server's file name.
        assertThat(byId("message-subject").findElement(By.xpath("..")).findElement(By.cssSelector("button.download"))
                .getText()).isEqualTo("Download notes.txt");
        browser.driver.findElement(By.cssSelector("button.download")).click();
    }

    @Test
    @Order(3)
    void aMessageIsFlaggedMarkedUnreadFoundMovedAndDeleted() throws Exception {
        byId("flag-toggle").click();
        browser.textAppears(By.id("flag-toggle"), "Unflag");
        byId("seen-toggle").click();
        browser.textAppears(By.id("seen-toggle"), "Mark read");
        byId("message-back").click();
        assertThat(messageRow(SUBJECT).getAttribute("class")).contains("unread");
        assertThat(messageRow(SUBJECT).findElements(By.cssSelector(".flagged"))).hasSize(1);
        // The inbox shows one unread.
        browser.waiting(Duration.ofSeconds(20)).until(d -> d.findElement(By.cssSelector(".mailboxes a[data-mailbox=INBOX]"))
                .getText().contains("1"));

        // Search by subject word and by sender (the form is folded away until opened).
        browser.clickable(By.cssSelector("#search-toggle > summary")).click();
        byId("search-subject").sendKeys("newsletter");
        byId("search-form").submit();
        browser.textAppears(By.id("mail-list-title"), "Search results");
        messageRow(SUBJECT);
        byId("search-subject").clear();
        byId("search-from").sendKeys("nobody-sent-this");
        byId("search-form").submit();
        browser.waiting(Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector("main .empty")).stream()
                .anyMatch(e -> e.getText().contains("No message matches")));
        browser.screenshots("22-mail-search");

        // Move to Archive, from the inbox list.
        openMailbox("INBOX");
        browser.screenshots("23-mail-inbox");
        openMessage(SUBJECT);
        new Select(byId("move-target")).selectByVisibleText("Archive");
        byId("move-button").click();
        browser.textAppears(By.id("mail-messages"), "Moved to Archive");
        openMailbox("Archive");
        openMessage(SUBJECT);
        // Opening marks it read again.
        browser.textAppears(By.id("seen-toggle"), "Mark unread");
        byId("delete-message").click();
        browser.textAppears(By.id("mail-messages"), "Moved to Trash");
        openMailbox("Trash");
        messageRow(SUBJECT);
    }

    @Test
    @Order(4)
    void anAdminDisablesAUserWhoThenCannotSignIn() throws Exception {
        assertThat(api.post("/api/v1/auth/sign-in", null, body("login", BOB, "password", PASSWORD)).status()).isEqualTo(200);
        go("admin");
        WebElement disable = browser.clickable(By.cssSelector("button.disable-user[data-login='" + BOB + "']"));
        disable.click();
        disable.click();
        browser.waiting(Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector("button.enable-user[data-login='"
                + BOB + "']")).size() == 1);
        Response refused = api.post("/api/v1/auth/sign-in", null, body("login", BOB, "password", PASSWORD));
        assertThat(refused.status()).as(refused.toString()).isNotEqualTo(200);
        go("addresses");
        go("admin");
        browser.textAppears(By.id("tenant-audit-table"), "user.disable");
        browser.screenshots("24-admin-users");
    }

    @Test
    @Order(5)
    void theBrowserReportedNoErrorOrCspViolation() {
        List<String> problems = browser.console().stream()
                .filter(line -> line.startsWith("SEVERE") || line.startsWith("WARNING")
                        || line.contains("Content Security Policy") || line.contains("Refused to"))
                .toList();
        assertThat(problems).as("browser console").isEmpty();
        assertThat(loopbackRequests).as("requests to the loopback server").isEmpty();
    }
}
