package com.example.dbtagger;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.ttp4j.engine.Event;
import org.ttp4j.engine.RuleEngine;
import org.ttp4j.engine.Tag;
import org.ttp4j.index.RuleIndex;
import org.ttp4j.store.RuleStore;
import org.ttp4j.store.fs.FilesystemRuleStore;
import org.ttp4j.store.jdbc.DatabaseConfig;
import org.ttp4j.store.jdbc.DatabaseRuleStore;
import org.ttp4j.store.jdbc.RuleTableSync;

/** Projects a rules directory into a database (the master's job), then tags one event from the database (a worker's). */
public final class DbTagger {
    public static void main(String[] args) throws InterruptedException {
        DatabaseConfig db = DatabaseConfig.of(args[0]); // e.g. jdbc:sqlite:rules.db
        try (RuleStore files = FilesystemRuleStore.builder(Path.of(args[1])).open();
             DatabaseRuleStore store = DatabaseRuleStore.builder(db).open()) {
            try (RuleTableSync sync = RuleTableSync.start(files, store, "dbtagger")) {
                if (!sync.awaitIdle(Duration.ofMinutes(1))) {
                    throw new IllegalStateException("the rules did not reach " + db.url());
                }
            }
            RuleIndex index = new RuleIndex(RuleIndex.engineOwned());
            try (RuleStore.Subscription live = index.watch(store)) {
                RuleEngine engine = new RuleEngine(index);
                Event event = new Event("command", "cmd_42", "attacker-7", null, "session-1", "decky-01",
                        Map.of("command_text", "cat /etc/shadow", "user", "root"));
                for (Tag tag : engine.evaluate(event)) {
                    System.out.println(tag.ruleId() + " " + tag.techniqueId() + " " + tag.confidence() + " " + tag.uuid());
                }
            }
        }
    }
}
