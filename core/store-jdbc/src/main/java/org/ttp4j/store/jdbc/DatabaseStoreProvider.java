package org.ttp4j.store.jdbc;

import org.ttp4j.store.RuleStore;
import org.ttp4j.store.RuleStoreProvider;
import org.ttp4j.store.RuleStoreType;
import org.ttp4j.store.RuleStores;

/** {@code DECNET_TTP_RULE_STORE_TYPE=database}: the database {@link DatabaseConfig#fromEnvironment} names. */
public final class DatabaseStoreProvider implements RuleStoreProvider {
    @Override
    public RuleStoreType type() {
        return RuleStoreType.DATABASE;
    }

    @Override
    public RuleStore open(RuleStores.Builder request) {
        return DatabaseRuleStore.builder(DatabaseConfig.fromEnvironment(request.environment()))
                .problems(request.reporter()::problem).strict(request.strict()).compiler(request.compiler()).open();
    }
}
