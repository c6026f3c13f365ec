package org.ttp4j.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
import org.ttp4j.rule.RuleState;
import org.ttp4j.store.RuleChange;
import org.ttp4j.store.jdbc.DatabaseConfig;
import org.ttp4j.store.jdbc.DatabaseRuleStore;

/**
 * State propagation between two workers on one database: {@code setState} on worker A until worker B's subscriber
 * has the {@code State} change (the operation is both: the write and the delivery). Three backends in the same run:
 * <ul>
 *   <li>{@code postgresql}: pushed by {@code LISTEN/NOTIFY} (safety-net poll at its 2 s default, which never fires
 *       while notifications flow). Needs {@code TTP4J_PG_URL}, {@code TTP4J_PG_USER}, {@code TTP4J_PG_PASSWORD}
 *       ({@code eval "$(scripts/postgres start)"}); each trial runs in a schema of its own, dropped afterwards.
 *   <li>{@code sqlite}: a file on {@code /dev/shm}, B polls every {@code sqlitePollMillis} (100 ms is the default
 *       of the store), so its latency is about half the period on average and the period at worst.
 * </ul>
 * Two stores in one JVM, each with its own connection pool: the same path as two processes, minus the scheduler.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class StatePropagationBenchmark {
    @Param({"postgresql", "mariadb", "sqlite"})
    public String backend;

    /** The poll period of the polled backends (SQLite, MariaDB); 100 ms is the store's default. */
    @Param({"100"})
    public int sqlitePollMillis;

    private DatabaseRuleStore a;
    private DatabaseRuleStore b;
    private final LinkedBlockingQueue<RuleChange> onB = new LinkedBlockingQueue<>();
    private Path sqliteFile;
    private String schema;
    private String mariadbDatabase;
    private boolean disabled;

    @Setup(Level.Trial)
    public void open() throws Exception {
        DatabaseConfig config;
        Duration poll;
        if (backend.equals("postgresql")) {
            String url = System.getenv("TTP4J_PG_URL");
            if (url == null) {
                throw new IllegalStateException("TTP4J_PG_URL is not set: run eval \"$(scripts/postgres start)\" first");
            }
            schema = "ttp4j_bench_" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
            admin(url, "CREATE SCHEMA " + schema);
            config = new DatabaseConfig(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                    System.getenv("TTP4J_PG_USER"), System.getenv("TTP4J_PG_PASSWORD"));
            poll = Duration.ofSeconds(2);
        } else if (backend.equals("mariadb")) {
            String url = System.getenv("TTP4J_MARIADB_URL");
            if (url == null) {
                throw new IllegalStateException("TTP4J_MARIADB_URL is not set: run eval \"$(scripts/mariadb start)\" first");
            }
            mariadbDatabase = "ttp4j_test_bench_" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
            mariadb("CREATE DATABASE " + mariadbDatabase);
            config = new DatabaseConfig(url.substring(0, url.lastIndexOf('/') + 1) + mariadbDatabase,
                    System.getenv("TTP4J_MARIADB_USER"), System.getenv("TTP4J_MARIADB_PASSWORD"));
            poll = Duration.ofMillis(sqlitePollMillis);
        } else {
            sqliteFile = Files.createTempFile(Tmpfs.root(), "ttp4j-bench-", ".db");
            config = DatabaseConfig.of("jdbc:sqlite:" + sqliteFile);
            poll = Duration.ofMillis(sqlitePollMillis);
        }
        a = DatabaseRuleStore.builder(config).pollInterval(poll).open();
        b = DatabaseRuleStore.builder(config).pollInterval(poll).open();
        b.subscribe(c -> {
            if (c instanceof RuleChange.State) {
                onB.add(c);
            }
        });
    }

    @Benchmark
    public RuleChange setStateOnAUntilDeliveredOnB() throws InterruptedException {
        disabled = !disabled;
        a.setState("R0001", RuleState.of(disabled ? RuleState.Mode.DISABLED : RuleState.Mode.ENABLED), "bench");
        RuleChange c = onB.poll(10, TimeUnit.SECONDS);
        if (c == null) {
            throw new IllegalStateException("worker B saw nothing within 10 s");
        }
        return c;
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        b.close();
        a.close();
        if (sqliteFile != null) {
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Files.deleteIfExists(Path.of(sqliteFile + suffix));
            }
        }
        if (schema != null) {
            admin(System.getenv("TTP4J_PG_URL"), "DROP SCHEMA " + schema + " CASCADE");
        }
        if (mariadbDatabase != null) {
            mariadb("DROP DATABASE " + mariadbDatabase);
        }
    }

    private static void mariadb(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(System.getenv("TTP4J_MARIADB_URL"), System.getenv("TTP4J_MARIADB_USER"),
                System.getenv("TTP4J_MARIADB_PASSWORD"));
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void admin(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, System.getenv("TTP4J_PG_USER"), System.getenv("TTP4J_PG_PASSWORD"));
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
