package org.ttp4j.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.InetSocketAddress;
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
import org.openjdk.jmh.annotations.Param;
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
 * Tagging throughput of {@code ttp4j run} with the HTTP service (docs/http.md): our pack (a tmpfs copy of
 * {@code rules/ttp}) on the mixed stream (10% attacks), the loop {@code run} runs per event, three ways in one run:
 * {@code off} (no {@code --http}: the anchor), {@code idle} (service up, counting, nobody calling) and
 * {@code scraped} ({@code /metrics} fetched every second by a real HTTP client). Ops are events.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ServiceTaggingBenchmark {
    static final int EVENTS = 10_000;

    @Param({"off", "idle", "scraped"})
    public String server;

    private List<Event> events;
    private Path dir;
    private RuleStore store;
    private RuleStore.Subscription live;
    private RuleEngine engine;
    private TaggingStats stats;
    private HttpService service;
    private RuleCatalogue catalogue;
    private Thread scraper;
    private final List<Tag> tags = new ArrayList<>();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Tmpfs.newDirectory("ttp4j-bench-service-");
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
        if (!server.equals("off")) {
            ServiceMetrics metrics = new ServiceMetrics();
            service = HttpService.start(new InetSocketAddress("127.0.0.1", 0), null, metrics, "v15.1");
            catalogue = new RuleCatalogue();
            catalogue.follow(store);
            metrics.attach(catalogue, engine);
            service.attach(store, catalogue);
            stats = metrics.stats();
        }
        if (server.equals("scraped")) {
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest scrape = HttpRequest.newBuilder(URI.create(service.url() + "/metrics")).build();
            scraper = Thread.ofPlatform().daemon().name("scraper").start(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        HttpResponse<byte[]> r = client.send(scrape, HttpResponse.BodyHandlers.ofByteArray());
                        if (r.statusCode() != 200 || r.body().length < 1000) {
                            throw new IllegalStateException("scrape failed: " + r.statusCode());
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
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (scraper != null) {
            scraper.interrupt();
            scraper.join();
        }
        if (service != null) {
            service.close();
            catalogue.close();
        }
        live.close();
        store.close();
        Tmpfs.deleteTree(dir);
    }

    /** What {@code run}'s tagging loop does per event (TagCommand.Tagging), the JSON codecs left out. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public int tag() {
        int n = 0;
        TaggingStats s = stats;
        for (int i = 0; i < EVENTS; i++) {
            Event e = events.get(i);
            if (s == null) {
                n += engine.evaluateInto(e, tags);
            } else {
                boolean timed = s.event();
                long start = timed ? System.nanoTime() : 0;
                int k = engine.evaluateInto(e, tags);
                if (timed) {
                    s.timed(System.nanoTime() - start);
                }
                if (k > 0) {
                    s.tagged(tags);
                }
                n += k;
            }
            tags.clear();
        }
        return n;
    }
}
