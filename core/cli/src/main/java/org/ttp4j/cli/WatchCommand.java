package org.ttp4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code ttp4j watch [DIR]}: prints each rule change as one JSON line on stdout as it happens (docs/cli.md §3),
 * after {@code {"kind":"ready","rules":N}}; with DIR a filesystem store on it, else the configured store.
 * Runs until SIGTERM or ctrl-C, which close the store cleanly.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Print each rule change as a JSON line as it happens, after {\"kind\":\"ready\",\"rules\":N}.",
            "With DIR: a filesystem store on DIR; without: the store DECNET_TTP_RULE_STORE_TYPE selects."})
final class WatchCommand implements Callable<Integer> {

    @Mixin
    private StoreOptions storeOptions;

    @Parameters(arity = "0..1", paramLabel = "DIR", description = "A rules directory to watch.")
    private Path dir;

    @Override
    public Integer call() throws InterruptedException {
        ChangeLines lines = new ChangeLines(System.out);
        LiveRules live = new LiveRules(storeOptions.open(lines, dir), null, lines);
        LiveRules.untilTerminated(() -> {
            live.close();
            System.out.flush();
        });
        return 0;
    }
}
