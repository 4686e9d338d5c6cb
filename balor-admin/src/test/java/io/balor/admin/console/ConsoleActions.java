package io.balor.admin.console;

import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.function.Function;

/**
 * What the console's browser tests do on a page, each step waiting (up to {@link #WAIT}) for the
 * condition it needs: signing in, going to a view, clicking (again when a redraw replaced the
 * element), filling a dialog's fields by their {@code data-path}, reading a field's error. The
 * test's thread; {@link #browser} is set by the test once Chromium runs.
 */
abstract class ConsoleActions {

    static final Duration WAIT = Duration.ofSeconds(30);

    protected ConsoleBrowser browser;

    protected final void signIn(String username, String password) {
        WebElement user = await(By.id("username"));
        user.sendKeys(username);
        browser.driver.findElement(By.id("password")).sendKeys(password + "\n");
        until(username + " is signed in", d -> d.findElement(By.id("who")).getText().startsWith(username + " ("));
        // Every request of this page is kept for the origin check (the browser keeps 250 by default).
        browser.driver.executeScript("performance.setResourceTimingBufferSize(100000)");
    }

    protected final void until(String what, Function<WebDriver, Boolean> condition) {
        new WebDriverWait(browser.driver, WAIT).withMessage(what).ignoring(RuntimeException.class).until(condition);
    }

    protected final WebElement await(By by) {
        return new WebDriverWait(browser.driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Clicks what {@code by} finds, again if the 5 s redraw replaced it between the lookup and the click. */
    protected final void click(By by) {
        new WebDriverWait(browser.driver, WAIT).ignoring(StaleElementReferenceException.class).until(d -> {
            WebElement element = ExpectedConditions.elementToBeClickable(by).apply(d);
            if (element == null) {
                return false;
            }
            element.click();
            return true;
        });
    }

    protected final void clickText(String text) {
        click(By.xpath("//dialog[@open]//button[normalize-space()='" + text + "'] | //main//button[normalize-space()='"
                + text + "']"));
    }

    protected final void clickIn(By container, String text) {
        WebElement holder = await(container);
        new WebDriverWait(browser.driver, WAIT).until(d -> {
            WebElement button = holder.findElement(By.xpath(".//button[normalize-space()='" + text + "']"));
            return button.isDisplayed() && button.isEnabled() ? button : null;
        }).click();
    }

    protected final void nav(String view) {
        click(By.xpath("//nav[@id='nav']/a[normalize-space()='" + view + "']"));
        until(view + " is shown", d -> d.findElement(By.cssSelector("main h1")).getText().equals(view));
    }

    protected final WebElement input(String path) {
        return await(By.cssSelector("dialog[open] [data-path='" + path + "']:is(input, select, textarea)"));
    }

    protected final void type(String path, String value) {
        WebElement input = input(path);
        input.clear();
        input.sendKeys(value);
    }

    /** Puts a long text into a textarea at once (typing a PEM key by key would be slow). */
    protected final void paste(String path, String value) {
        WebElement area = input(path);
        browser.driver.executeScript("arguments[0].value = arguments[1];"
                + " arguments[0].dispatchEvent(new Event('input', {bubbles: true}))", area, value);
    }

    protected final void select(String path, String value) {
        new Select(input(path)).selectByValue(value);
        browser.driver.executeScript("arguments[0].dispatchEvent(new Event('change', {bubbles: true}))", input(path));
    }

    /** The error shown next to the input at {@code path}, once there is one. */
    protected final String fieldError(String path) {
        WebElement error = await(By.cssSelector("dialog[open] .field[data-field='" + path + "'] .field-error"));
        until("the error of " + path + " shows", d -> !error.getText().isEmpty());
        return error.getText();
    }
}
