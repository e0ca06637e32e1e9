package dev.chorus.console.browser;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The console's start page in a real headless Chromium (Debian's chromium + chromium-driver). */
@QuarkusTest
class ConsoleBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    static WebDriver browser;

    @TestHTTPResource("/")
    URL startPage;

    @BeforeAll
    static void openBrowser() throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the console tests need Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900",
                "--user-data-dir=" + Files.createTempDirectory("chorus-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /** Clicks in the middle of the viewport, clear of Vaadin's dev-mode overlay in the corner. */
    static void click(By locator) {
        var element = browser.findElement(locator);
        ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
        element.click();
    }

    /** For people: what the page looked like when the test ran. */
    static void screenshot(String file) {
        try {
            Files.write(Path.of(file), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void answersWithTheVaadinBootstrapPage() {
        given().get("/").then().statusCode(200).body(containsString("window.Vaadin"));
    }

    @Test
    void showsVersionDatabaseAndRegistrySize() throws Exception {
        browser.get(startPage.toString());
        String version = new WebDriverWait(browser, Duration.ofSeconds(60))
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("platform-version"))).getText();
        screenshot("target/console-start-page.png");

        assertEquals("0.1.0-SNAPSHOT", version);
        assertEquals("Embedded PostgreSQL", browser.findElement(By.id("database-kind")).getText());
        assertTrue(browser.findElement(By.id("database-url")).getText().startsWith("jdbc:postgresql://127.0.0.1:"));
        assertTrue(browser.findElement(By.id("registered-backbones")).getText().matches("\\d+"));
        assertEquals("Chorus", browser.getTitle());
    }

    @Test
    void listsBackbonesWithTheirReasonsAndSwitchesThemOffAndOn() {
        browser.get(startPage.toString() + "backbones");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("backbones"), "resnet-mini:1"));
        String table = browser.findElement(By.id("backbones")).getText();
        screenshot("target/console-backbones.png");
        assertTrue(table.contains("UNAVAILABLE"), table);
        assertTrue(table.contains("weights file missing"), table);

        By toggle = By.id("toggle-vgg-mini-1");
        wait.until(ExpectedConditions.textToBe(toggle, "Disable"));
        click(toggle);
        wait.until(ExpectedConditions.textToBe(toggle, "Enable"));
        click(toggle);
        wait.until(ExpectedConditions.textToBe(toggle, "Disable"));
        assertEquals("", browser.findElement(By.id("backbones-error")).getText());
    }

    @Test
    void navigatesFromThePlatformPageToTheBackbones() {
        browser.get(startPage.toString());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("nav-backbones"))).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("backbones"), "vgg-mini:1"));
        assertEquals("Backbones · Chorus", browser.getTitle());
    }
}
