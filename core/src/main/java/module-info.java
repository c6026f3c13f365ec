/** ttp4j core: rule format and compiler, rule state, stores, index, engine and the command line. */
module org.ttp4j.core {
    requires org.ttp4j.inotify;
    requires com.fasterxml.jackson.core;
    requires org.yaml.snakeyaml;
    requires jakarta.validation;
    requires org.hibernate.validator;
    requires java.logging;
    requires info.picocli;
    // the database store: plain JDBC, pooled; Flyway migrates the schema (its PostgreSQL support is a separate
    // jar, found as a Flyway plugin); the two drivers are found by DriverManager
    requires java.sql;
    requires com.zaxxer.hikari;
    requires org.postgresql.jdbc;
    requires org.xerial.sqlitejdbc;
    requires flyway.core;
    requires flyway.database.postgresql;

    exports org.ttp4j.rule;
    exports org.ttp4j.store;
    exports org.ttp4j.store.fs;
    exports org.ttp4j.store.db;
    exports org.ttp4j.index;
    exports org.ttp4j.engine;

    // Hibernate Validator reads the rule model's constraint annotations and fields reflectively.
    opens org.ttp4j.rule.model to org.hibernate.validator;
    // picocli reads the commands' annotated fields and methods reflectively.
    opens org.ttp4j.cli to info.picocli;
}
