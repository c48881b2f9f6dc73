package org.postern.server.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by its own chromedriver (both from apt, paths set so that
 * Selenium downloads nothing). Keeps every browser console entry so a test can fail on a CSP
 * violation or a script error, and saves screenshots at desktop and phone size.
 */
final class Browser implements AutoCloseable {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final Dimension DESKTOP = new Dimension(1280, 900);
    static final Dimension PHONE = new Dimension(390, 844);
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriverService service;
    final ChromeDriver driver;
    private final List<String> console = new ArrayList<>();

    private Browser(ChromeDriverService service, ChromeDriver driver) {
        this.service = service;
        this.driver = driver;
    }

    static boolean available() {
        return new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute();
    }

    static Browser start() throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                // Tests only: the server's certificate is self-signed.
                "--ignore-certificate-errors", "--window-size=1280,900", "--lang=en-GB");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        // Network events (Chrome's performance log): which requests the page made and their status.
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        options.setExperimentalOption("prefs", Map.of("credentials_enable_service", false,
                "profile.password_manager_enabled", false));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        Files.createDirectories(SCREENSHOTS);
        return new Browser(service, driver);
    }

    WebDriverWait waiting(Duration timeout) {
        // The app redraws tables in place: an element found a moment ago may have been replaced.
        WebDriverWait wait = new WebDriverWait(driver, timeout);
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    WebElement visible(By by) {
        return waiting(Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    WebElement clickable(By by) {
        return waiting(Duration.ofSeconds(20)).until(ExpectedConditions.elementToBeClickable(by));
    }

    void textAppears(By by, String text) {
        waiting(Duration.ofSeconds(20)).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    /** The console entries seen so far (drains the browser's buffer into ours). */
    List<String> console() {
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            console.add(e.getLevel() + " " + e.getMessage());
        }
        return List.copyOf(console);
    }

    /** The network responses seen since the last call, as (status, URL) pairs, from Chrome's performance log. */
    List<Map.Entry<Integer, String>> responses() {
        List<Map.Entry<Integer, String>> out = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
            try {
                var message = ApiClient.JSON.readTree(e.getMessage()).path("message");
                if (message.path("method").asText().equals("Network.responseReceived")) {
                    var response = message.path("params").path("response");
                    out.add(Map.entry(response.path("status").asInt(), response.path("url").asText()));
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                throw new AssertionError("unreadable performance log entry", ex);
            }
        }
        return out;
    }

    /** Saves the page as {@code <name>-desktop.png} and {@code <name>-phone.png}. */
    void screenshots(String name) throws IOException {
        shoot(name + "-desktop");
        driver.manage().window().setSize(PHONE);
        try {
            shoot(name + "-phone");
        } finally {
            driver.manage().window().setSize(DESKTOP);
        }
    }

    /** Opens {@code url}, waits for {@code ready}, then saves screenshots. */
    void screenshotsAfter(Runnable ready, String name, String url) throws IOException {
        driver.get(url);
        ready.run();
        screenshots(name);
    }

    private void shoot(String name) throws IOException {
        File png = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    WebDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
