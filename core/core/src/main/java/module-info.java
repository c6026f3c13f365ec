/**
 * ttp4j core: the rule format and compiler, rule state, the {@link org.ttp4j.store.RuleStore} API with the
 * filesystem store, the index and the engine. The database store ({@code org.ttp4j.store.jdbc}) and the command
 * line ({@code org.ttp4j.cli}) are modules of their own.
 */
module org.ttp4j.core {
    requires org.ttp4j.inotify;
    requires org.yaml.snakeyaml;
    requires jakarta.validation;
    requires org.hibernate.validator;

    exports org.ttp4j.rule;
    exports org.ttp4j.store;
    exports org.ttp4j.store.fs;
    exports org.ttp4j.index;
    exports org.ttp4j.engine;
    // store plumbing shared with the other stores, not API
    exports org.ttp4j.store.internal to org.ttp4j.store.jdbc, org.ttp4j.cli;

    // Hibernate Validator reads the rule model's constraint annotations and fields reflectively.
    opens org.ttp4j.rule.model to org.hibernate.validator;

    // RuleStores finds the backends: the filesystem store here, the database store in org.ttp4j.store.jdbc.
    uses org.ttp4j.store.RuleStoreProvider;
    provides org.ttp4j.store.RuleStoreProvider with org.ttp4j.store.fs.FilesystemStoreProvider;
}
