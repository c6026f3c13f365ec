package org.ttp4j.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.ttp4j.engine.Event;
import org.ttp4j.engine.RuleEngine;
import org.ttp4j.engine.Tag;
import org.ttp4j.http.HttpService;
import org.ttp4j.http.RuleCatalogue;
import org.ttp4j.http.ServiceMetrics;
import org.ttp4j.http.TaggingStats;
import org.ttp4j.index.RuleIndex;
import org.ttp4j.store.RuleStore;
import org.ttp4j.store.fs.FilesystemRuleStore;

/**
 * The same question as {@link ServiceTaggingBenchmark}, made robust to a machine whose load drifts: one invocation
 * tags the mixed stream twice, alternating which goes first, once as {@code run} without {@code --http} and once
 * as {@code run --http} (counting, the service up and scraped every second by a real client), and adds up each
 * half's thread CPU time and wall time. Each iteration prints both per event and their ratio: side by side at a
 * granularity of milliseconds, so load from other processes falls on both halves alike. The scraper runs in every
 * other iteration only (it pauses in the rest), so adjacent iterations also compare the whole loop with and
 * without the scrape's own work on a second thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ServiceTaggingAbBenchmark {
    static final int EVENTS = 10_000;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private List<Event> events;
    private Path dir;
    private RuleStore store;
    private RuleStore.Subscription live;
    private RuleEngine engine;
    private TaggingStats stats;
    private HttpService service;
    private RuleCatalogue catalogue;
    private Thread scraper;
    private volatile long scrapes;
    private volatile boolean scraping;
    private final List<Tag> tags = new ArrayList<>();
    private long offCpu, onCpu, offWall, onWall, halves;
    private boolean counterFirst;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Tmpfs.newDirectory("ttp4j-bench-ab-");
        Path pack = Files.createDirectories(dir.resolve("ttp"));
        try (var files = Files.list(Path.of("rules", "ttp"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                Files.copy(f, pack.resolve(f.getFileName()));
            }
        }
        store = FilesystemRuleStore.open(pack);
        RuleIndex index = new RuleIndex(RuleIndex.engineOwned());
        live = index.watch(store);
        engine = new RuleEngine(index);
        events = BenchEvents.mixed(EVENTS, 7);
        ServiceMetrics metrics = new ServiceMetrics();
        service = HttpService.start(new InetSocketAddress("127.0.0.1", 0), null, metrics, "v15.1");
        catalogue = new RuleCatalogue();
        catalogue.follow(store);
        metrics.attach(catalogue, engine);
        service.attach(store, catalogue);
        stats = metrics.stats();
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest scrape = HttpRequest.newBuilder(URI.create(service.url() + "/metrics")).build();
        scraper = Thread.ofPlatform().daemon().name("scraper").start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    if (scraping) {
                        HttpResponse<byte[]> r = client.send(scrape, HttpResponse.BodyHandlers.ofByteArray());
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException("scrape failed: " + r.statusCode());
                        }
                        scrapes++;
                    }
                    Thread.sleep(Duration.ofSeconds(1));
                }
            } catch (InterruptedException e) {
                // stopped
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Setup(Level.Iteration)
    public void reset() {
        offCpu = onCpu = offWall = onWall = halves = 0;
        scraping = !scraping;
    }

    @TearDown(Level.Iteration)
    public void report() {
        if (halves > 0) {
            double n = halves / 2.0 * EVENTS;
            System.out.printf("  [A/B] scraper %s; per event: off %.0f ns CPU (%.0f wall), --http %.0f ns CPU (%.0f wall);"
                    + " ratio CPU %.3f, wall %.3f; %d scrapes so far%n", scraping ? "on" : "off", offCpu / n, offWall / n,
                    onCpu / n, onWall / n, (double) onCpu / offCpu, (double) onWall / offWall, scrapes);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        scraper.interrupt();
        scraper.join();
        service.close();
        catalogue.close();
        live.close();
        store.close();
        Tmpfs.deleteTree(dir);
    }

    @Benchmark
    @OperationsPerInvocation(2 * EVENTS)
    public int bothHalves() {
        counterFirst = !counterFirst;
        int n = counterFirst ? half(true) + half(false) : half(false) + half(true);
        halves += 2;
        return n;
    }

    private int half(boolean counted) {
        long cpu0 = CPU.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        int n = counted ? counted() : uncounted();
        long wall = System.nanoTime() - wall0;
        long cpu = CPU.getCurrentThreadCpuTime() - cpu0;
        if (counted) {
            onCpu += cpu;
            onWall += wall;
        } else {
            offCpu += cpu;
            offWall += wall;
        }
        return n;
    }

    private int uncounted() {
        int n = 0;
        for (int i = 0; i < EVENTS; i++) {
            n += engine.evaluateInto(events.get(i), tags);
            tags.clear();
        }
        return n;
    }

    /** What {@code run --http}'s tagging loop does per event (TagCommand.Tagging), the JSON codecs left out. */
    private int counted() {
        int n = 0;
        TaggingStats s = stats;
        for (int i = 0; i < EVENTS; i++) {
            boolean timed = s.event();
            long start = timed ? System.nanoTime() : 0;
            int k = engine.evaluateInto(events.get(i), tags);
            if (timed) {
                s.timed(System.nanoTime() - start);
            }
            if (k > 0) {
                s.tagged(tags);
            }
            n += k;
            tags.clear();
        }
        return n;
    }
}
