package org.ttp4j.store.fs;

import org.ttp4j.store.RuleStore;
import org.ttp4j.store.RuleStoreProvider;
import org.ttp4j.store.RuleStoreType;
import org.ttp4j.store.RuleStores;

/** {@code DECNET_TTP_RULE_STORE_TYPE=filesystem}: the rules directory, watched. */
public final class FilesystemStoreProvider implements RuleStoreProvider {
    @Override
    public RuleStoreType type() {
        return RuleStoreType.FILESYSTEM;
    }

    @Override
    public RuleStore open(RuleStores.Builder request) {
        return FilesystemRuleStore.builder(request.rulesDirectory()).reporter(request.reporter())
                .stateFile(request.stateFile()).strict(request.strict()).compiler(request.compiler()).open();
    }
}
