package io.balor.admin.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.balor.admin.api.AdminFixture;
import io.balor.admin.api.Await;
import io.balor.admin.state.AcmeSections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The console's ACME view in Debian's Chromium against an admin server that runs ACME jobs: an
 * admin adds a generic DNS provider whose token stays masked after a reload (and kept when the
 * provider is edited with the token left empty), asks for a certificate for a standalone name
 * from a CA on a closed loopback port, sees the form name the fields it refuses, sees the job
 * reach "failed" with its message, and removes it; then sets ACME on a host route from the
 * listeners view and sees the route's job. No sleeps: every wait is a condition with a deadline.
 */
class ConsoleAcmeTest extends ConsoleActions {

    private static final String TOKEN = "hook-token-7f3a91";
    /** A CA that cannot be reached: nothing listens on port 1, so an attempt fails at once. */
    private static final String CLOSED_CA = "https://127.0.0.1:1/dir";

    @TempDir
    Path dir;

    private AdminFixture admin;

    @Test
    void anAdminManagesProvidersAndJobs() throws Exception {
        assumeTrue(ConsoleBrowser.available(), "no /usr/bin/chromium and /usr/bin/chromedriver (scripts/test installs them)");
        try (AdminFixture fixture = AdminFixture.withAcme(dir); ConsoleBrowser chromium = new ConsoleBrowser()) {
            admin = fixture;
            browser = chromium;
            try {
                scenario();
            } catch (Throwable failure) {
                browser.screenshot("acme-failure-1280", 1280, 720);
                failure.addSuppressed(new AssertionError("browser log: " + browser.problems()));
                throw failure;
            }
        }
    }

    private void scenario() throws Exception {
        String origin = admin.uri("").toString();
        browser.driver.get(origin + "/acme");
        signIn("admin", AdminFixture.ADMIN_PASSWORD);
        until("the ACME view is shown", d -> d.findElement(By.cssSelector("main h1")).getText().equals("ACME"));

        // A generic provider: its token is typed once, then only shown as set.
        click(By.id("new-provider"));
        type("name", "hook");
        select("provider", "generic");
        type("api_base", "https://127.0.0.1:1/dns");
        type("api_token", TOKEN);
        clickText("Add provider");
        await(By.cssSelector("#providers tr[data-name='hook']"));
        browser.driver.navigate().refresh();
        WebElement row = await(By.cssSelector("#providers tr[data-name='hook']"));
        until("the token shows masked", d -> row.getText().contains("api_token: ••••••"));
        assertFalse(browser.driver.getPageSource().contains(TOKEN), "the token is nowhere in the page");
        assertEquals(TOKEN, storedToken(), "the state has the token");

        // Edited with the token left empty ("unchanged"): the stored token stays.
        click(By.cssSelector("[aria-label='Edit provider hook']"));
        WebElement token = input("api_token");
        assertEquals("", token.getAttribute("value"));
        assertEquals("unchanged", token.getAttribute("placeholder"));
        type("zone", "example.com");
        clickText("Save provider");
        Await.until("the zone is saved", WAIT, () -> "example.com".equals(provider().path("zone").asText()));
        assertEquals(TOKEN, storedToken(), "the token is kept");
        assertFalse(browser.driver.getPageSource().contains(TOKEN), "the token is nowhere in the page");

        // A request the console and the API refuse names the fields; then one for a standalone name.
        click(By.id("request-certificate"));
        type("hosts", "solo.example");
        type("acme.email", "not-an-email");
        select("acme._directory", "custom");
        type("acme.directory_url", CLOSED_CA);
        clickText("Request");
        assertTrue(fieldError("acme.accept_terms").contains("terms"), "the terms must be accepted");
        click(By.cssSelector("dialog[open] [data-path='acme.accept_terms']"));
        clickText("Request");
        assertTrue(fieldError("acme.email").contains("email"), "the API's problem is next to the email");
        type("acme.email", "ops@example.com");
        clickText("Request");
        WebElement job = await(By.cssSelector("#acme-jobs tr[data-host='solo.example']"));
        assertTrue(job.getText().contains("standalone"), job.getText());
        until("the job fails with a message", d -> {
            WebElement current = d.findElement(By.cssSelector("#acme-jobs tr[data-host='solo.example']"));
            return "failed".equals(current.getAttribute("data-state"))
                    && !current.findElement(By.cssSelector(".acme-message")).getText().isBlank();
        });
        browser.screenshot("acme-1280", 1280, 720);
        browser.screenshot("acme-390", 390, 844);
        browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 720));
        List<String> refusals = browser.problems();
        assertTrue(refusals.stream().allMatch(p -> p.contains("status of 400")), refusals.toString());

        // Removed: the job goes, from the view and the state.
        click(By.cssSelector("[aria-label='Remove solo.example']"));
        clickIn(By.cssSelector("dialog[open]"), "Remove");
        until("the job is gone", d -> d.findElements(By.cssSelector("#acme-jobs tr[data-host='solo.example']")).isEmpty());
        assertEquals(0, jobs().size(), jobs().toString());

        // ACME on a host route, from the listeners view: the route gets its acme, the view its job.
        admin.create("/api/pools", "{\"name\": \"shop\", \"upstreams\": [\"127.0.0.1:9\"]}");
        admin.create("/api/listeners", "{\"name\": \"front\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\","
                + " \"host_routes\": [{\"host\": \"shop.example\", \"pool\": \"shop\"}]}");
        nav("Listeners");
        click(By.cssSelector("[aria-label='Edit listener front']"));
        click(By.cssSelector("dialog[open] [data-path='host_routes[0]._acme']"));
        type("host_routes[0].acme.email", "ops@example.com");
        select("host_routes[0].acme._directory", "custom");
        type("host_routes[0].acme.directory_url", CLOSED_CA);
        click(By.cssSelector("dialog[open] [data-path='host_routes[0].acme.accept_terms']"));
        clickText("Save listener");
        Await.until("the route has its acme", WAIT, () -> route().has("acme"));
        JsonNode acme = route().get("acme");
        assertEquals("ops@example.com", acme.path("email").asText());
        assertEquals("http01", acme.path("challenge").asText());
        assertEquals(CLOSED_CA, acme.path("directory_url").asText());
        assertTrue(acme.path("accept_terms").asBoolean(), acme.toString());
        // The dialog shows the job the view fetched with its last redraw: wait for the job, then for a redraw after it.
        Await.until("the route's job exists", WAIT, () -> jobOf("shop.example"));
        long fetched = jobFetches();
        until("the view fetched the jobs again", d -> jobFetches() > fetched);
        click(By.cssSelector("[aria-label='Edit listener front']"));
        until("the route shows its job", d -> d.findElement(By.cssSelector("dialog[open] .acme-job")).getText()
                .startsWith("ACME: "));
        clickIn(By.cssSelector("dialog[open]"), "Cancel");
        nav("ACME");
        WebElement routed = await(By.cssSelector("#acme-jobs tr[data-host='shop.example']"));
        assertTrue(routed.getText().contains("front shop.example"), routed.getText());

        assertEquals(List.of(), browser.problems(), "no browser errors");
    }

    // ---- the API, as the test's witness

    private JsonNode provider() throws Exception {
        return AdminFixture.json(admin.call("GET", "/api/acme/providers/hook", AdminFixture.ADMIN_TOKEN, null));
    }

    /** The token as the state holds it (the API never shows it). */
    private String storedToken() {
        return admin.store.current().extras().get(AcmeSections.PROVIDERS).get(0).path("api_token").asText();
    }

    private boolean jobOf(String host) throws Exception {
        for (JsonNode job : jobs()) {
            if (host.equals(job.path("host").asText())) {
                return true;
            }
        }
        return false;
    }

    /** How many times the page fetched the ACME jobs so far. */
    private long jobFetches() {
        return (Long) browser.driver.executeScript("return performance.getEntriesByType('resource')"
                + ".filter(e => e.name.endsWith('/api/acme/jobs')).length");
    }

    private JsonNode jobs() throws Exception {
        return AdminFixture.json(admin.call("GET", "/api/acme/jobs", AdminFixture.ADMIN_TOKEN, null));
    }

    private JsonNode route() throws Exception {
        return AdminFixture.json(admin.call("GET", "/api/listeners/front", AdminFixture.ADMIN_TOKEN, null))
                .path("host_routes").path(0);
    }
}
