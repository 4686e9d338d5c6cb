package io.balor.admin.console;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

/**
 * Debian's Chromium, headless, driven through Debian's ChromeDriver for the console's browser
 * tests: both given by path, so Selenium downloads nothing, with the flags that keep it off the
 * network (no background traffic, no DNS but for 127.0.0.1 and localhost). Screenshots go to
 * {@code balor-admin/target/console-screenshots/}. One test thread; close it.
 */
final class ConsoleBrowser implements AutoCloseable {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    final ChromeDriver driver;
    /** Where the browser saves downloads, without asking: a fresh directory per browser. */
    final Path downloads;

    ConsoleBrowser() throws IOException {
        Files.createDirectories(Path.of("target"));
        downloads = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "console-downloads-");
        System.setProperty("SE_OFFLINE", "true");
        System.setProperty("SE_AVOID_STATS", "true");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                "--disable-dev-shm-usage", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
                "--window-size=1280,720");
        options.setExperimentalOption("prefs", java.util.Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    /** Whether this machine has the browser and its driver (scripts/test installs both). */
    static boolean available() {
        return Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER));
    }

    /** The browser's console messages at warning level or worse since the last call. */
    List<String> problems() {
        List<String> found = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.WARNING.intValue()) {
                found.add(entry.getLevel() + " " + entry.getMessage());
            }
        }
        return found;
    }

    /** Saves the window as {@code name}.png at {@code width} x {@code height}, for a person to look at. */
    void screenshot(String name, int width, int height) throws IOException {
        driver.manage().window().setSize(new Dimension(width, height));
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    }

    /** The content of download {@code name} once the browser has finished saving it, waiting up to {@code timeout}. */
    String downloaded(String name, java.time.Duration timeout) {
        Path file = downloads.resolve(name);
        return new org.openqa.selenium.support.ui.WebDriverWait(driver, timeout).until(d -> {
            try {
                return Files.isRegularFile(file) ? Files.readString(file) : null;
            } catch (IOException e) {
                return null;
            }
        });
    }

    /** Makes the page see {@code prefers-color-scheme: scheme} ("light" or "dark"), as a system setting would. */
    void colorScheme(String scheme) {
        driver.executeCdpCommand("Emulation.setEmulatedMedia", java.util.Map.of("features",
                List.of(java.util.Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    /**
     * Milliseconds from the start of the page's navigation to the console's first usable view
     * (the {@code balor-interactive} mark), waiting for it up to {@code timeout}.
     */
    double interactiveMillis(java.time.Duration timeout) {
        Object value = new org.openqa.selenium.support.ui.WebDriverWait(driver, timeout).until(d -> driver.executeScript(
                "const m = performance.getEntriesByName('balor-interactive'); return m.length ? m[0].startTime : null"));
        return ((Number) value).doubleValue();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
