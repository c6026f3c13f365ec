package org.ttp4j.store.fs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.ttp4j.store.RuleStore;
import org.ttp4j.store.conformance.RuleStoreConformanceTest;

/** The shared store behaviour, on a real directory watched through real inotify. */
class FilesystemRuleStoreConformanceTest extends RuleStoreConformanceTest {
    @TempDir
    Path tmp;

    @Override
    protected RuleStore openStore() throws Exception {
        return FilesystemRuleStore.open(Files.createDirectories(tmp.resolve("rules")));
    }

    /** A second store on the same directory: its state writes reach the first through the watched state file. */
    @Override
    protected RuleStore openAnotherStore() {
        return FilesystemRuleStore.open(tmp.resolve("rules"));
    }

    /** A directory where the state file's temporary copy goes: every state write fails, the store stays open. */
    @Override
    protected void breakStateWrites() throws Exception {
        Path state = StateFile.defaultFor(tmp.resolve("rules"));
        Files.createDirectories(state.resolveSibling("." + state.getFileName() + ".tmp"));
    }

    @Override
    protected void putRules(Map<String, String> yamlById) throws Exception {
        for (Map.Entry<String, String> e : yamlById.entrySet()) {
            Files.writeString(tmp.resolve("rules").resolve(e.getKey() + ".yaml"), e.getValue());
        }
    }
}
