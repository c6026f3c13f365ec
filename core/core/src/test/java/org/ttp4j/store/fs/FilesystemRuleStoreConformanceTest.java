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

    @Override
    protected void putRules(Map<String, String> yamlById) throws Exception {
        for (Map.Entry<String, String> e : yamlById.entrySet()) {
            Files.writeString(tmp.resolve("rules").resolve(e.getKey() + ".yaml"), e.getValue());
        }
    }
}
