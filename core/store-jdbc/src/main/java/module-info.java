/**
 * The database rule store: DECNET's tables over plain JDBC, pooled, migrated by Flyway, and the master sync
 * that projects a rules directory into them. The driver is the user's choice (SQLite, PostgreSQL), found by
 * {@link java.sql.DriverManager}.
 */
module org.ttp4j.store.jdbc {
    requires transitive org.ttp4j.core;
    requires transitive java.sql;
    requires com.zaxxer.hikari;
    requires flyway.core;
    // LISTEN/NOTIFY, only on a PostgreSQL URL; the driver comes with the user's choice of database
    requires static org.postgresql.jdbc;

    exports org.ttp4j.store.jdbc;

    // pulls Flyway's database plugins that are on the module path (e.g. flyway-database-postgresql) into the graph
    uses org.flywaydb.core.extensibility.Plugin;
    provides org.ttp4j.store.RuleStoreProvider with org.ttp4j.store.jdbc.DatabaseStoreProvider;
}
