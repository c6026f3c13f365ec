package org.ttp4j.bench;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.ttp4j.http.HttpService;
import org.ttp4j.http.RuleCatalogue;
import org.ttp4j.http.ServiceMetrics;
import org.ttp4j.rule.RuleState;
import org.ttp4j.store.RuleChange;
import org.ttp4j.store.fs.FilesystemRuleStore;

/**
 * {@code state set} → live in a serving filesystem store (docs/stores.md §6), both routes an operator has:
 * <ul>
 *   <li>{@code httpPostToLive}: {@code POST /api/v1/ttp/rules/R0001/state} from a real HTTP client to the service
 *       in this JVM, until the store's subscriber has the {@code State} (persist with fsync, rename, publish).
 *   <li>{@code cliCommandToLive}: the {@code ttp4j state set} command in a child JVM (this jar on the class path)
 *       writing the state file, until this JVM's store, watching it, has published the change: JVM start
 *       included. The teardown also prints the write → live part (the child's {@code set_at} to the arrival here,
 *       one clock), p50 and p99.
 * </ul>
 * On tmpfs, so that the disk is not what is measured (fsync on a disk adds its own latency).
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class StateLiveBenchmark {
    private Path dir;
    private FilesystemRuleStore store;
    private HttpService service;
    private RuleCatalogue catalogue;
    private HttpClient client;
    private final LinkedBlockingQueue<RuleChange.State> arrived = new LinkedBlockingQueue<>();
    private final List<Long> writeToLiveMicros = Collections.synchronizedList(new ArrayList<>());
    private boolean disabled;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Tmpfs.newDirectory("ttp4j-bench-state-");
        Path rules = Files.createDirectories(dir.resolve("ttp"));
        Files.writeString(rules.resolve("R0001.yaml"), RulePacks.yaml("R0001", 1, "command", "whoami", "T1033", "", "TA0007"));
        store = FilesystemRuleStore.open(rules);
        store.subscribe(c -> {
            if (c instanceof RuleChange.State s) {
                if (s.state().setAt() != null) {
                    writeToLiveMicros.add(Duration.between(s.state().setAt(), Instant.now()).toNanos() / 1000);
                }
                arrived.add(s);
            }
        });
        ServiceMetrics metrics = new ServiceMetrics();
        service = HttpService.start(new InetSocketAddress("127.0.0.1", 0), null, metrics, "v15.1");
        catalogue = new RuleCatalogue();
        catalogue.follow(store);
        service.attach(store, catalogue);
        client = HttpClient.newHttpClient();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        List<Long> w = new ArrayList<>(writeToLiveMicros);
        Collections.sort(w);
        if (!w.isEmpty()) {
            System.out.printf("%nstate written (set_at) -> live here: n=%d p50=%d us p99=%d us%n", w.size(),
                    w.get(w.size() / 2), w.get(Math.min(w.size() - 1, (int) Math.ceil(w.size() * 0.99) - 1)));
        }
        service.close();
        catalogue.close();
        store.close();
        Tmpfs.deleteTree(dir);
    }

    private RuleChange.State awaitLive(String mode) throws InterruptedException {
        while (true) {
            RuleChange.State s = arrived.poll(30, TimeUnit.SECONDS);
            if (s == null) {
                throw new IllegalStateException("the state change never arrived");
            }
            if (s.state().mode().wireName().equals(mode)) {
                return s;
            }
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public RuleChange.State httpPostToLive() throws Exception {
        disabled = !disabled;
        String mode = disabled ? "disabled" : "enabled";
        HttpRequest post = HttpRequest.newBuilder(URI.create(service.url() + "/api/v1/ttp/rules/R0001/state"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"state\":\"" + mode + "\"}")).build();
        HttpResponse<String> r = client.send(post, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(r.statusCode() + " " + r.body());
        }
        return awaitLive(mode);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public RuleChange.State cliCommandToLive() throws Exception {
        disabled = !disabled;
        String mode = disabled ? "disabled" : "enabled";
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "org.ttp4j.cli.Ttp4jCommand",
                "state", "set", "R0001", "--state", mode, "--by", "bench")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("DECNET_TTP_RULE_STORE_TYPE");
        pb.environment().put("TTP4J_STATE_FILE", store.stateFile().path().toString());
        pb.environment().put("TTP4J_RULES_DIR", store.directory().toString()); // state set checks that R0001 exists
        Process p = pb.start();
        p.getOutputStream().close();
        RuleChange.State s = awaitLive(mode);
        p.waitFor();
        return s;
    }
}
