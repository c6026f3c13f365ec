package org.ttp4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code ttp4j watch [DIR]}: prints each rule change as one JSON line on stdout as it happens (docs/cli.md §3),
 * after {@code {"kind":"ready","rules":N}}; with DIR a filesystem store on it, else the configured store.
 * Runs until SIGTERM or ctrl-C, which close the store cleanly.
 */
final class WatchCommand implements Callable<Integer> {

    static final Syntax SYNTAX = HttpOptions.declare(StoreOptions.declare(Syntax.command("watch",
                    "Print each rule change as a JSON line as it happens, after {\"kind\":\"ready\",\"rules\":N}.",
                    "With DIR: a filesystem store on DIR; without: the store DECNET_TTP_RULE_STORE_TYPE selects.")))
            .parameters("DIR", 0, 1, "A rules directory to watch.")
            .action(args -> new WatchCommand(args).call());

    private final StoreOptions storeOptions;
    private final HttpOptions httpOptions;
    private final Path dir;

    private WatchCommand(Args args) {
        storeOptions = new StoreOptions(args);
        httpOptions = new HttpOptions(args);
        dir = args.paths().isEmpty() ? null : args.paths().getFirst();
    }

    @Override
    public Integer call() throws InterruptedException, java.io.IOException {
        ChangeLines lines = new ChangeLines(System.out);
        HttpOptions.Serving serving = httpOptions.start(lines, "v15.1");
        LiveRules live;
        try {
            org.ttp4j.store.RuleStore store = storeOptions.open(serving == null ? lines : serving.reporting(lines), dir);
            live = new LiveRules(store, null, null, lines, () -> {
                if (serving != null) {
                    serving.attach(store, null); // no engine: fires and bound hits stay zero
                }
            });
        } catch (RuntimeException e) {
            if (serving != null) {
                serving.close();
            }
            throw e;
        }
        LiveRules.untilTerminated(() -> {
            if (serving != null) {
                serving.close();
            }
            live.close();
            System.out.flush();
        });
        return 0;
    }
}
