package io.virtdeck.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
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
 * A headless Debian Chromium driven by Selenium, for browser tests: page loads, waits, confirmations and screenshots
 * (written to app/target/screenshots for people to look at; a test never writes into the tracked tree).
 */
public final class Browser implements AutoCloseable {

    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
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
        driver.manage().window().setSize(new Dimension(1400, 900));
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
