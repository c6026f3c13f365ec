package com.example.tagger;

import java.nio.file.Path;
import java.util.Map;
import org.ttp4j.engine.Event;
import org.ttp4j.engine.RuleEngine;
import org.ttp4j.engine.Tag;
import org.ttp4j.index.RuleIndex;
import org.ttp4j.store.RuleStore;
import org.ttp4j.store.RuleStores;

/** Tags one event with the rules of a directory, kept current as the files change. */
public final class Tagger {
    public static void main(String[] args) {
        try (RuleStore store = RuleStores.fromEnvironment(System.getenv()).rulesDirectory(Path.of(args[0])).open()) {
            RuleIndex index = new RuleIndex(RuleIndex.engineOwned());
            try (RuleStore.Subscription live = index.watch(store)) { // load, then apply every change as it happens
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
