package org.ttp4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.ttp4j.rule.CompileResult;
import org.ttp4j.rule.RuleCompiler;
import org.ttp4j.rule.RuleFileNames;
import org.ttp4j.rule.RuleSource;
import org.ttp4j.store.internal.ChangePublisher;
import org.ttp4j.store.RuleChange;
import org.ttp4j.store.fs.FilesystemRuleStore;

/**
 * Hot reload latency: saving one rule file in a tmpfs directory until a subscriber holds its
 * {@link RuleChange.Definition} (the benchmark thread spins on the subscriber's counter). Two saves:
 * {@code inplace} (open with truncate, write, close) and {@code rename} (write a scratch name, rename it onto
 * the rule file). Two drivers of the same read → hash → compile → publish pipeline, in the same run:
 * <ul>
 *   <li>{@code ttp4j}: {@link FilesystemRuleStore}, on our inotify watcher ({@code IN_CLOSE_WRITE},
 *       {@code IN_MOVED_TO}, batch processing on the reader thread);
 *   <li>{@code jdk}: {@code java.nio.file.WatchService} ({@code ENTRY_CREATE|ENTRY_MODIFY}) with a thread in
 *       {@code take()} running the same steps: name allowlist, read, SHA-256 against the last hash,
 *       {@link RuleCompiler}, {@link ChangePublisher}.
 *   <li>{@code floor}: no watcher at all; the benchmark thread saves, then runs those same steps itself.
 *       What {@code ttp4j} and {@code jdk} add to it is the cost of being told.
 * </ul>
 * Every save is a real change and yields exactly one Definition. Two edits: {@code version} alternates two
 * versions with the same pattern (the compiler reuses its translation, {@code RuleCompiler.Options.recentPatterns});
 * {@code pattern} gives every save a new pattern (a distinct never-matching alternative from a ring of
 * {@value #DISTINCT}, more than the compiler keeps), so each save pays the whole translation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class FsStoreLatencyBench {
    @Param({"ttp4j", "jdk", "floor"})
    public String driver;

    @Param({"inplace", "rename"})
    public String save;

    @Param({"version", "pattern"})
    public String edit;

    static final int DISTINCT = 1024;

    private Path dir;
    private Path rule;
    private Path scratch;
    private byte[][] contents;
    private int next;
    private AutoCloseable pipeline;
    private String ruleName;
    private volatile long delivered;

    static String ruleYaml(int version) {
        return ruleYaml(version, "");
    }

    /** Version {@code version}, its pattern followed by {@code alternative} (a {@code |...} branch, or ""). */
    static String ruleYaml(int version, String alternative) {
        return "rule_id: R0001\n"
                + "rule_version: " + version + "\n"
                + "name: Unix shell download and execute\n"
                + "description: a fetched script piped into a shell\n"
                + "applies_to: [command]\n"
                + "match:\n  pattern: '(?i)(curl|wget)\\s+\\S+\\s*\\|\\s*(ba|z)?sh" + alternative + "'\n"
                + "emits:\n"
                + "  - technique_id: T1059\n    sub_technique_id: T1059.004\n    tactic: TA0002\n    confidence: 0.8\n"
                + "  - technique_id: T1105\n    tactic: TA0011\n    confidence: 0.6\n"
                + "evidence_fields: [command_text]\n";
    }

    @Setup(Level.Trial)
    public void start() throws Exception {
        dir = Tmpfs.newDirectory("ttp4j-fsbench");
        rule = dir.resolve("R0001.yaml");
        scratch = dir.resolve(".R0001.yaml.tmp");
        contents = new byte[edit.equals("version") ? 2 : DISTINCT][];
        for (int k = 0; k < contents.length; k++) {
            String yaml = edit.equals("version") ? ruleYaml(k + 1) : ruleYaml(k + 1, "|zq" + k + "marker");
            contents[k] = yaml.getBytes(StandardCharsets.UTF_8);
        }
        Files.write(rule, contents[0]);
        next = 1;
        ruleName = rule.getFileName().toString();
        Consumer<RuleChange> counter = c -> {
            if (c instanceof RuleChange.Definition) {
                delivered = delivered + 1; // one publishing thread
            }
        };
        pipeline = switch (driver) {
            case "ttp4j" -> {
                FilesystemRuleStore store = FilesystemRuleStore.open(dir);
                store.subscribe(counter);
                yield store;
            }
            case "jdk" -> new WatchServicePipeline(dir, counter, true);
            case "floor" -> new WatchServicePipeline(dir, counter, false);
            default -> throw new IllegalArgumentException(driver);
        };
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        pipeline.close();
        Tmpfs.deleteTree(dir);
    }

    @Benchmark
    public long saveUntilDefinition() throws Exception {
        long before = delivered;
        byte[] content = contents[next];
        next = (next + 1) % contents.length;
        if (save.equals("inplace")) {
            Files.write(rule, content);
        } else {
            Files.write(scratch, content);
            Files.move(scratch, rule, StandardCopyOption.ATOMIC_MOVE);
        }
        if (pipeline instanceof WatchServicePipeline p && !p.watching()) {
            p.refresh(ruleName); // floor: the same steps, on this thread, with no notification
        }
        long deadline = 0;
        for (int spins = 0; delivered == before; spins++) {
            Thread.onSpinWait();
            if ((spins & 0xffff) == 0xffff) {
                long now = System.nanoTime();
                if (deadline == 0) {
                    deadline = now + TimeUnit.SECONDS.toNanos(5);
                } else if (now > deadline) {
                    throw new IllegalStateException(driver + ": no Definition within 5 s of a " + save + " save");
                }
            }
        }
        return before;
    }

    /** The store's pipeline driven by the JDK WatchService instead of our watcher. */
    static final class WatchServicePipeline implements AutoCloseable {
        private final Path dir;
        private final WatchService service;
        private final ChangePublisher publisher = new ChangePublisher();
        private final RuleCompiler compiler = new RuleCompiler();
        private final Map<String, String> hashes = new HashMap<>();
        private final Thread thread;

        /** With {@code watch} false, nothing watches: the caller runs {@link #refresh} itself (the floor). */
        WatchServicePipeline(Path dir, Consumer<RuleChange> subscriber, boolean watch) throws IOException {
            this.dir = dir;
            publisher.subscribe(subscriber);
            service = watch ? FileSystems.getDefault().newWatchService() : null;
            if (watch) {
                dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    refresh(p.getFileName().toString());
                }
            }
            thread = watch ? Thread.ofPlatform().name("jdk-watchservice-pipeline").daemon(true).start(this::loop) : null;
        }

        boolean watching() {
            return service != null;
        }

        private void loop() {
            try {
                while (true) {
                    WatchKey key = service.take();
                    for (WatchEvent<?> event : key.pollEvents()) {
                        if (event.context() instanceof Path p) {
                            refresh(p.toString());
                        }
                    }
                    key.reset();
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                // closed
            }
        }

        void refresh(String name) {
            if (!RuleFileNames.matches(name)) {
                return;
            }
            RuleSource source;
            try {
                source = RuleSource.read(dir.resolve(name), compiler.options().maxFileBytes());
            } catch (IOException e) {
                return; // deleted (not measured here)
            }
            if (source.content().length == 0 || source.sha256().equals(hashes.put(name, source.sha256()))) {
                return;
            }
            if (compiler.compile(source) instanceof CompileResult.Compiled c) {
                publisher.publish(new RuleChange.Definition(c.rule().ruleId(), c.rule()));
            }
        }

        @Override
        public void close() throws IOException {
            if (service != null) {
                service.close();
            }
        }
    }
}
