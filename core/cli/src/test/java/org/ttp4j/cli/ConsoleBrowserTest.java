package org.ttp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console page in a real browser: Debian's headless Chromium driven through its chromium-driver
 * (scripts/browser install), against a real {@code ttp4j run --http}: load the page, type the token once, see
 * the rules and the ATT&CK matrix, clip a rule, and see the tag stream obey. With CI set a missing browser
 * fails the test; elsewhere it is skipped. {@code -Dttp4j.screenshot=FILE} also saves the README's screenshot
 * of the console on our pack.
 */
@Timeout(240)
class ConsoleBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ADMIN = "admin-token-0123456789";

    private static WebDriver browser;
    private static Path profile;

    @TempDir
    Path work;

    @BeforeAll
    static void startBrowser() throws Exception {
        String chromium = System.getenv().getOrDefault("TTP4J_CHROMIUM", "/usr/bin/chromium");
        String chromedriver = System.getenv().getOrDefault("TTP4J_CHROMEDRIVER", "/usr/bin/chromedriver");
        boolean present = new File(chromium).canExecute() && new File(chromedriver).canExecute();
        if (System.getenv("CI") != null) {
            assertTrue(present, "no " + chromium + " or " + chromedriver + ": run scripts/browser install");
        }
        assumeTrue(present, "no headless browser (scripts/browser install)");
        Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder").setLevel(Level.OFF);
        Logger.getLogger("org.openqa.selenium").setLevel(Level.WARNING);
        profile = Files.createTempDirectory("ttp4j-chromium-");
        Path log = Path.of("target", "chromedriver.log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver)).usingAnyFreePort().withLogFile(log.toFile()).build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--window-size=1280,800",
                "--user-data-dir=" + profile);
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static String started(Ttp4jProcess p) throws Exception {
        String http = p.nextErr(WAIT);
        assertNotNull(http, "no http line");
        Matcher m = Pattern.compile("\\{\"kind\":\"http\",\"url\":\"([^\"]+)\"}").matcher(http);
        assertTrue(m.matches(), http);
        String ready = p.nextErr(WAIT);
        assertTrue(ready != null && ready.startsWith("{\"kind\":\"ready\""), ready);
        return m.group(1);
    }

    private static void send(OutputStream in, String text) throws Exception {
        in.write(text.getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** The page re-renders every two seconds: an element found a moment ago may be replaced, so look again. */
    private static WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private static WebElement row(WebDriverWait wait, String ruleId) {
        return wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-rule='" + ruleId + "']")));
    }

    private static void typeToken(WebDriverWait wait) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "401"));
        browser.findElement(By.id("token")).sendKeys(ADMIN);
        browser.findElement(By.id("save-token")).click();
    }

    @Test
    void clipARuleInTheConsoleAndTheTagStreamObeys() throws Exception {
        Path rules = Files.createDirectories(work.resolve("rules"));
        RuleTexts.save(rules, "R0001.yaml", RuleTexts.commandRule("R0001", 1, "\\bwhoami\\b", "T1033", "TA0007", 0.6));
        RuleTexts.save(rules, "R0002.yaml", RuleTexts.commandRule("R0002", 1, "cat\\s+/etc/shadow", "T1003", "TA0006", 0.9));
        Files.writeString(work.resolve("tokens"), "admin " + ADMIN + " console-admin\n");
        Map<String, String> env = Map.of("TTP4J_API_TOKENS_FILE", "tokens", "TTP4J_RULES_DIR", "rules");
        try (Ttp4jProcess p = Ttp4jProcess.start(work, env, "run", "--http", "127.0.0.1:0")) {
            String base = started(p);
            send(p.stdin(), "{\"source_kind\":\"command\",\"source_id\":\"c1\",\"attacker_uuid\":\"a\","
                    + "\"payload\":{\"command_text\":\"whoami\"}}\n");
            assertTrue(p.nextOut(WAIT).contains("\"confidence\":0.6,"));

            WebDriverWait wait = waiting();
            browser.get(base + "/");
            typeToken(wait);
            WebElement r1 = row(wait, "R0001");
            row(wait, "R0002");
            wait.until(d -> r1.findElement(By.cssSelector("td.fires")).getText().equals("1"));
            wait.until(ExpectedConditions.textToBe(By.cssSelector("tr[data-rule='R0001'] .state"), "enabled"));
            WebElement cell = wait.until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#matrix .tactic[data-tactic='TA0007'] .cell[data-technique='T1033']")));
            assertTrue(cell.getText().contains("1 rule") && cell.getText().contains("1 fires"), cell.getText());

            WebElement cmax = r1.findElement(By.cssSelector("input.cmax"));
            cmax.clear();
            cmax.sendKeys("0.25");
            r1.findElement(By.cssSelector("input.reason")).sendKeys("noisy on decky-07");
            new Select(r1.findElement(By.cssSelector("select.ttl"))).selectByValue("1h");
            r1.findElement(By.cssSelector("button.clip")).click();
            wait.until(ExpectedConditions.textToBe(By.cssSelector("tr[data-rule='R0001'] .state"), "clipped"));
            WebElement clipped = row(wait, "R0001");
            assertTrue(clipped.findElement(By.cssSelector("td.expires")).getText().matches("59m \\d+s|1h 0m 0s"),
                    clipped.findElement(By.cssSelector("td.expires")).getText());
            assertTrue(clipped.getText().contains("console-admin"), clipped.getText());

            String stateLine = p.nextErr(WAIT);
            assertTrue(stateLine.startsWith("{\"kind\":\"state\",\"rule_id\":\"R0001\",\"state\":\"clipped\",\"confidence_max\":0.25,"), stateLine);
            send(p.stdin(), "{\"source_kind\":\"command\",\"source_id\":\"c2\",\"attacker_uuid\":\"a\","
                    + "\"payload\":{\"command_text\":\"whoami\"}}\n");
            assertTrue(p.nextOut(WAIT).contains("\"confidence\":0.25,"), "the tag stream obeys the clip");

            row(wait, "R0001").findElement(By.cssSelector("button.enable")).click();
            wait.until(ExpectedConditions.textToBe(By.cssSelector("tr[data-rule='R0001'] .state"), "enabled"));
            p.terminate();
        }
    }

    /** The README's screenshot: our pack, the example events, one rule clipped and one disabled. */
    @Test
    void screenshotOfOurPack() throws Exception {
        String target = System.getProperty("ttp4j.screenshot");
        assumeTrue(target != null && !target.isBlank(), "-Dttp4j.screenshot=FILE takes the README's screenshot");
        Path repo = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().getParent();
        Path rules = repo.resolve("rules/ttp");
        Path pack = Files.createDirectories(work.resolve("rules/ttp"));
        try (var files = Files.list(rules)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                Files.copy(f, pack.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.writeString(work.resolve("tokens"), "admin " + ADMIN + " alice\n");
        Map<String, String> env = Map.of("TTP4J_API_TOKENS_FILE", "tokens");
        try (Ttp4jProcess p = Ttp4jProcess.start(work, env, "run", "--http", "127.0.0.1:0")) {
            String base = started(p);
            String events = Files.readString(repo.resolve("examples/events.jsonl"));
            for (int i = 0; i < 3; i++) {
                send(p.stdin(), events);
            }
            HttpCall.send("POST", base + "/api/v1/ttp/rules/T1105_download_wget_curl/state", ADMIN,
                    "{\"state\":\"clipped\",\"confidence_max\":0.3,\"ttl\":\"1h\",\"reason\":\"noisy on decky-07\"}");
            WebDriverWait wait = waiting();
            browser.manage().window().setSize(new Dimension(1500, 1500));
            browser.get(base + "/");
            typeToken(wait);
            row(wait, "T1105_download_wget_curl");
            wait.until(d -> d.findElements(By.cssSelector("#matrix .cell")).size() > 10);
            wait.until(d -> !d.findElement(By.id("summary")).getText().endsWith(" 0 fires"));
            Path out = Path.of(target).toAbsolutePath();
            Files.createDirectories(out.getParent());
            Files.write(out, ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            browser.manage().window().setSize(new Dimension(1280, 800));
            p.terminate();
        }
    }
}
