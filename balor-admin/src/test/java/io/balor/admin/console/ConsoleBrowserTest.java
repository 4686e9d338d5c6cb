package io.balor.admin.console;

import io.balor.admin.api.AdminFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The web console in Debian's Chromium against a real admin server: sign in with the keyboard,
 * see the overview with the server's numbers, no request leaves the admin origin, no browser
 * error, a reload keeps the session, signing out (and a revoked token) returns to the sign-in
 * view with the reason, and a viewer's navigation lacks the admin's views. Screenshots at
 * 1280x720 and at phone width go to {@code target/console-screenshots/}.
 */
class ConsoleBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static WebElement await(ConsoleBrowser browser, By by) {
        return new WebDriverWait(browser.driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Waits until the element with id {@code id} has the keyboard focus. */
    private static void awaitFocus(ConsoleBrowser browser, String id) {
        new WebDriverWait(browser.driver, WAIT).until(d -> id.equals(
                browser.driver.executeScript("return document.activeElement && document.activeElement.id")));
    }

    /** Types into the sign-in form as a keyboard user does: the user name has the focus, Enter submits. */
    private static void signIn(ConsoleBrowser browser, String username, String password) {
        WebElement user = await(browser, By.id("username"));
        awaitFocus(browser, "username");
        user.sendKeys(username);
        browser.driver.findElement(By.id("password")).sendKeys(password + "\n");
    }

    @Test
    void signInSeeTheOverviewReloadAndSignOut() throws Exception {
        assumeTrue(ConsoleBrowser.available(), "no /usr/bin/chromium and /usr/bin/chromedriver (scripts/test installs them)");
        try (AdminFixture admin = new AdminFixture(dir); ConsoleBrowser browser = new ConsoleBrowser()) {
            String origin = admin.uri("").toString();
            browser.driver.get(origin + "/");
            signIn(browser, "admin", "wrong-password");
            WebElement error = await(browser, By.id("login-error"));
            new WebDriverWait(browser.driver, WAIT).until(d -> !error.getText().isEmpty());
            assertTrue(error.getText().toLowerCase().contains("invalid") || error.getText().contains("password"),
                    error.getText());
            browser.problems();   // the refused sign-in's 401 is logged by the browser: expected
            browser.screenshot("sign-in-refused-1280", 1280, 720);

            // The user name stays, the password is cleared and has the focus: type it again.
            awaitFocus(browser, "password");
            browser.driver.findElement(By.id("password")).sendKeys(AdminFixture.ADMIN_PASSWORD + "\n");
            WebElement title = await(browser, By.id("overview-title"));
            assertEquals("Overview", title.getText());
            assertTrue(browser.driver.findElement(By.cssSelector(".tiles")).getText().contains("Listeners"));
            assertTrue(browser.driver.findElement(By.id("who")).getText().contains("admin (admin)"));
            browser.screenshot("overview-1280", 1280, 720);
            browser.screenshot("overview-390", 390, 844);

            @SuppressWarnings("unchecked")
            List<String> resources = (List<String>) browser.driver.executeScript(
                    "return performance.getEntriesByType('resource').map(e => e.name)");
            assertFalse(resources.isEmpty());
            for (String resource : resources) {
                assertTrue(resource.startsWith(origin + "/"), "a request left the admin origin: " + resource);
            }

            browser.driver.navigate().refresh();
            assertEquals("Overview", await(browser, By.id("overview-title")).getText(), "a reload keeps the session");

            browser.driver.findElement(By.cssSelector("#who button")).click();
            assertTrue(await(browser, By.id("login-error")).getText().contains("Signed out"));
            assertEquals(List.of(), browser.problems(), "no browser errors");
        }
    }

    @Test
    void theListenersAndPoolsViewsShowWhatTheApiHasAndTheSearchSurvivesARefresh() throws Exception {
        assumeTrue(ConsoleBrowser.available(), "no /usr/bin/chromium and /usr/bin/chromedriver (scripts/test installs them)");
        try (AdminFixture admin = new AdminFixture(dir); ConsoleBrowser browser = new ConsoleBrowser()) {
            admin.webListener("127.0.0.1:9");
            admin.create("/api/listeners", "{\"name\": \"l4\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"tcp\","
                    + " \"pool\": \"app\"}");
            browser.driver.get(admin.uri("/listeners").toString());
            signIn(browser, "admin", AdminFixture.ADMIN_PASSWORD);
            assertEquals("Listeners", await(browser, By.id("listeners-title")).getText(), "the address names the view");
            WebElement web = await(browser, By.cssSelector("tr[data-name='web']"));
            assertTrue(web.getText().contains("http") && web.getText().contains("app"), web.getText());
            assertTrue(web.getText().contains("127.0.0.1:9 up"), "its upstream's live state: " + web.getText());

            WebElement search = browser.driver.findElement(By.id("search"));
            search.sendKeys("l4");
            new WebDriverWait(browser.driver, WAIT).until(d -> !web.isDisplayed());
            long generation = (Long) browser.driver.executeScript("return performance.getEntriesByType('resource')"
                    + ".filter(e => e.name.endsWith('/api/listeners')).length");
            new WebDriverWait(browser.driver, WAIT).until(d -> (Long) browser.driver.executeScript(
                    "return performance.getEntriesByType('resource').filter(e => e.name.endsWith('/api/listeners'))"
                            + ".length") > generation);   // the view was drawn again from the API
            WebElement searchAgain = await(browser, By.id("search"));
            assertEquals("l4", searchAgain.getAttribute("value"), "what was typed stays");
            assertEquals("search", browser.driver.executeScript("return document.activeElement.id"), "and the focus");
            // (read again on a stale element: the 5 s redraw may replace the rows between the lookup and the look)
            new WebDriverWait(browser.driver, WAIT).ignoring(StaleElementReferenceException.class).until(d ->
                    !d.findElement(By.cssSelector("tr[data-name='web']")).isDisplayed()
                            && d.findElement(By.cssSelector("tr[data-name='l4']")).isDisplayed());
            browser.screenshot("listeners-1280", 1280, 720);

            browser.driver.findElement(By.linkText("Pools")).click();
            WebElement app = await(browser, By.cssSelector("tr[data-name='app']"));
            assertTrue(app.getText().contains("l4") && app.getText().contains("web"), "used by: " + app.getText());
            browser.screenshot("pools-390", 390, 844);
            assertEquals(List.of(), browser.problems(), "no browser errors");
        }
    }

    @Test
    void aRevokedSessionReturnsToSignInAndAViewerSeesNoAdminViews() throws Exception {
        assumeTrue(ConsoleBrowser.available(), "no /usr/bin/chromium and /usr/bin/chromedriver (scripts/test installs them)");
        try (AdminFixture admin = new AdminFixture(dir); ConsoleBrowser browser = new ConsoleBrowser()) {
            admin.user("vera", "viewer");
            browser.driver.get(admin.uri("/").toString());
            signIn(browser, "vera", "vera-password");
            await(browser, By.id("overview-title"));
            String nav = browser.driver.findElement(By.id("nav")).getText();
            assertTrue(nav.contains("Pools") && !nav.contains("Users") && !nav.contains("Settings"), nav);

            // The admin changes vera's role: her sessions end; the console's next call finds out.
            assertEquals(200, admin.call("PUT", "/api/users/vera", AdminFixture.ADMIN_TOKEN,
                    "{\"role\": \"operator\"}").statusCode());
            WebElement error = await(browser, By.id("login-error"));
            new WebDriverWait(browser.driver, WAIT).until(d -> error.getText().contains("Signed out"));
            assertTrue(error.getText().contains("invalid or expired"), error.getText());
        }
    }

    @Test
    void aDialogWorksFromTheKeyboardKeepsTheFocusInsideAndGivesItBack() throws Exception {
        assumeTrue(ConsoleBrowser.available(), "no /usr/bin/chromium and /usr/bin/chromedriver (scripts/test installs them)");
        try (AdminFixture admin = new AdminFixture(dir); ConsoleBrowser browser = new ConsoleBrowser()) {
            browser.driver.get(admin.uri("/pools").toString());
            signIn(browser, "admin", AdminFixture.ADMIN_PASSWORD);
            WebElement open = await(browser, By.id("new-pool"));
            open.sendKeys(org.openqa.selenium.Keys.ENTER);
            await(browser, By.cssSelector("dialog[open]"));
            new WebDriverWait(browser.driver, WAIT).until(d -> "name".equals(browser.driver.executeScript(
                    "return document.activeElement.dataset.path")));   // the first field has the focus

            // Tab goes round inside the dialog: the page behind is inert.
            org.openqa.selenium.interactions.Actions keys = new org.openqa.selenium.interactions.Actions(browser.driver);
            for (int i = 0; i < 40; i++) {
                keys.sendKeys(org.openqa.selenium.Keys.TAB).perform();
                assertEquals(Boolean.TRUE, browser.driver.executeScript(
                        "return document.activeElement === document.body || !!document.activeElement.closest('dialog[open]')"),
                        "the focus stays in the dialog");
            }
            // Every input in it has a label.
            assertEquals(0L, browser.driver.executeScript("return [...document.querySelectorAll('dialog[open] input,"
                    + " dialog[open] select, dialog[open] textarea')].filter(i => !i.labels.length"
                    + " && !i.getAttribute('aria-label')).length"));

            keys.sendKeys(org.openqa.selenium.Keys.ESCAPE).perform();
            new WebDriverWait(browser.driver, WAIT).until(d -> browser.driver.findElements(By.cssSelector("dialog")).isEmpty());
            assertEquals("new-pool", browser.driver.executeScript("return document.activeElement.id"),
                    "the focus is back where it was");
            assertEquals(List.of(), browser.problems(), "no browser errors");
        }
    }
}
