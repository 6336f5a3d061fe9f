package io.virtdeck.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A headless Debian Chromium driven by Selenium, for browser tests: page loads, waits, confirmations, screenshots
 * (written to app/target/screenshots for people to look at) and an accessibility audit with axe-core. The one thing a
 * test writes into the tracked tree is the README's tour ({@link #tourScreenshot}), so that it shows the pages as
 * they are.
 */
public final class Browser implements AutoCloseable {

    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    /** axe-core, a devDependency of frontend-assets: the build's {@code npm ci} puts it there before the tests run. */
    private static final Path AXE = Paths.get("frontend-assets/node_modules/axe-core/axe.min.js");
    /** The README's screenshots. */
    private static final Path TOUR = Paths.get("docs/tour");
    /** The tour's window: small enough for a README, wide enough for the side menu and the tables. */
    private static final Dimension TOUR_WINDOW = new Dimension(1280, 800);
    private static final Dimension WINDOW = new Dimension(1400, 900);
    private static String axeSource;
    private static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
    public static final Duration PAGE_WAIT = Duration.ofSeconds(15);

    private final WebDriver driver;
    private final Path profile;
    private final Path screenshots;
    private final int port;

    private Browser(WebDriver driver, Path profile, Path screenshots, int port) {
        this.driver = driver;
        this.profile = profile;
        this.screenshots = screenshots;
        this.port = port;
    }

    /** A fresh browser profile, pointed at Virtdeck on {@code port}. */
    public static Browser start(int port) throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail("The browser test needs Chromium at " + CHROMIUM + " and chromedriver at " + CHROMEDRIVER
                    + ". Install them: apt-get install chromium chromium-driver (./virtdeck test installs them).");
        }
        Path screenshots = Files.createDirectories(Lab.repoRoot().resolve("app/target/screenshots"));
        Path profile = Files.createTempDirectory("virtdeck-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--window-size=1400,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        WebDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(WINDOW);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return new Browser(driver, profile, screenshots, port);
    }

    public WebDriver driver() {
        return driver;
    }

    public String url(String path) {
        return "http://localhost:" + port + path;
    }

    public void open(String path) {
        driver.get(url(path));
    }

    public void logIn(String user, String password) {
        open("/login");
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        submitAndWait(driver.findElement(By.cssSelector("button[type=submit]")));
        assertThat(driver.getCurrentUrl()).doesNotContain("/login");
        assertThat(driver.findElement(By.cssSelector(".topbar .user")).getText()).contains(user);
    }

    public void logOut() {
        open("/guests");
        submitAndWait(driver.findElement(By.xpath("//header//button[normalize-space()='Log out']")));
        assertThat(driver.getCurrentUrl()).contains("/login");
        assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("logged out");
    }

    /** Scrolls an element to the middle of the window, clear of the tasks drawer docked at the bottom. */
    public WebElement inView(WebElement element) {
        js().executeScript("arguments[0].scrollIntoView({block: 'center'});", element);
        return element;
    }

    /**
     * Clicks something that loads a new page and waits until the new page is there. The element is scrolled clear of
     * the tasks drawer first: a button near the bottom of a page may lie under it.
     */
    public void submitAndWait(WebElement element) {
        WebElement html = driver.findElement(By.tagName("html"));
        inView(element).click();
        waitFor("a new page after clicking", () -> isStale(html));
        waitForLoaded();
    }

    public void waitForLoaded() {
        waitFor("the page to finish loading",
                () -> "complete".equals(js().executeScript("return document.readyState;")));
    }

    /**
     * Waits until the page has loaded what it loads after itself (htmx cards, charts): no htmx request under way and
     * no new resource fetched for half a second, as a person would see it settled before clicking on.
     */
    public void waitForSettled() {
        waitForLoaded();
        long[] last = {-1, System.nanoTime()};
        waitFor("the page's own late loads to end", () -> {
            long fetched = ((Number) js().executeScript("return document.querySelectorAll('.htmx-request').length"
                    + " + performance.getEntriesByType('resource').length * 1000;")).longValue();
            if (fetched != last[0]) {
                last[0] = fetched;
                last[1] = System.nanoTime();
                return false;
            }
            return System.nanoTime() - last[1] > 500_000_000L;
        });
    }

    public static boolean isStale(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (StaleElementReferenceException e) {
            return true;
        } catch (WebDriverException e) {
            // ChromeDriver's other way of saying stale, seen while the old page is being replaced
            if (e.getMessage() != null && e.getMessage().contains("does not belong to the document")) {
                return true;
            }
            throw e;
        }
    }

    public Alert waitForAlert() {
        long deadline = System.nanoTime() + PAGE_WAIT.toNanos();
        while (true) {
            try {
                return driver.switchTo().alert();
            } catch (NoAlertPresentException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no confirmation was asked within " + PAGE_WAIT.toSeconds() + " s");
                }
                pause();
            }
        }
    }

    public void waitFor(String what, Supplier<Boolean> condition) {
        waitFor(PAGE_WAIT, what, condition);
    }

    public void waitFor(Duration limit, String what, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            boolean done;
            try {
                done = Boolean.TRUE.equals(condition.get());
            } catch (StaleElementReferenceException e) {
                done = false;
            }
            if (done) {
                return;
            }
            if (System.nanoTime() > deadline) {
                String shot = "waited-for-" + what.replaceAll("[^A-Za-z0-9]+", "-") + ".png";
                screenshot(shot);
                throw new AssertionError("waited " + limit.toMillis() + " ms for " + what + " at "
                        + driver.getCurrentUrl() + " (screenshot " + shot + ")");
            }
            pause();
        }
    }

    public JavascriptExecutor js() {
        return (JavascriptExecutor) driver;
    }

    public void screenshot(String name) {
        try {
            byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            Files.write(screenshots.resolve(name), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (WebDriverException e) {
            throw new AssertionError("cannot take the screenshot " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * A screenshot for the README's tour, docs/tour/{@code name}, in a 1280x800 window (the window is set back after).
     * Written only when the page has no accessibility violations: the tour shows nothing the audit refuses.
     */
    public void tourScreenshot(String name) {
        assertAccessible(name);
        // the window's own frame aside, the page gets 1280x800
        Number frame = (Number) js().executeScript("return window.outerHeight - window.innerHeight;");
        driver.manage().window().setSize(new Dimension(TOUR_WINDOW.width, TOUR_WINDOW.height + frame.intValue()));
        try {
            waitFor("the page laid out for 1280x800", () -> ((Number) js().executeScript(
                    "return window.innerWidth;")).intValue() == TOUR_WINDOW.width);
            js().executeScript("window.scrollTo(0, 0);");
            // charts redraw a moment after a resize (charts.js waits for the resizing to stop)
            js().executeAsyncScript("const done = arguments[0]; setTimeout(() => requestAnimationFrame(() => done()), 500);");
            byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            Path dir = Files.createDirectories(Lab.repoRoot().resolve(TOUR));
            Files.write(dir.resolve(name), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.manage().window().setSize(WINDOW);
        }
    }

    /**
     * Fails when axe-core finds a WCAG 2 A or AA violation on the page as it is now; {@code where} names the page in
     * the message. Elements matched by the CSS selectors in {@code exclude} are left out of the audit.
     */
    public void assertAccessible(String where, String... exclude) {
        List<String> violations = accessibilityViolations(exclude);
        if (!violations.isEmpty()) {
            String shot = "a11y-" + where.replaceAll("[^A-Za-z0-9]+", "-") + ".png";
            screenshot(shot);
            throw new AssertionError(violations.size() + " accessibility violation(s) (axe-core, WCAG 2 A/AA) on "
                    + where + " at " + driver.getCurrentUrl() + " (screenshot " + shot + "):\n  "
                    + String.join("\n  ", violations));
        }
    }

    /**
     * axe-core's WCAG 2 A and AA violations on the page as it is now, one line each: the rule, its impact, what it
     * asks, the first elements that break it, and axe's summary of what is wrong with the first. Elements matched by
     * the CSS selectors in {@code exclude} are left out (for markup that is not ours: say why where it is used). The
     * audit waits for htmx to settle first: parts of a page arrive after it loads.
     */
    @SuppressWarnings("unchecked")
    public List<String> accessibilityViolations(String... exclude) {
        waitForLoaded();
        waitFor("htmx requests to finish", () -> Boolean.TRUE.equals(js().executeScript(
                "return document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping') === null;")));
        if (!Boolean.TRUE.equals(js().executeScript("return typeof window.axe === 'object';"))) {
            js().executeScript(axe());
        }
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        Object result = js().executeAsyncScript("""
                const exclude = arguments[0], done = arguments[arguments.length - 1];
                const context = exclude.length ? {include: [document], exclude: exclude.map(s => [s])} : document;
                axe.run(context, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']},
                                  resultTypes: ['violations']})
                  .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at '
                      + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')
                      + (v.nodes.length > 3 ? ' and ' + (v.nodes.length - 3) + ' more' : '')
                      + ' | ' + (v.nodes[0].failureSummary || '').replace(/\\s+/g, ' '))))
                  .catch(e => done(['axe-core did not run: ' + e]));
                """, List.of(exclude));
        return (List<String>) result;
    }

    private static synchronized String axe() {
        if (axeSource == null) {
            Path file = Lab.repoRoot().resolve(AXE);
            if (!Files.isReadable(file)) {
                fail("The accessibility audit needs axe-core at " + file + ": run npm ci in frontend-assets (the"
                        + " Maven build does it first).");
            }
            try {
                axeSource = Files.readString(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return axeSource;
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void pause() {
        try {
            Thread.sleep(25);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
