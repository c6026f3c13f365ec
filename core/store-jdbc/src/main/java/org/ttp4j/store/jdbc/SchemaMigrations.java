package org.ttp4j.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.migration.JavaMigration;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * Brings a database's schema to the current version with Flyway, creating the tables if absent.
 *
 * <p>The scripts are resources of this module ({@code migration/sqlite}, {@code migration/postgresql}). Flyway's
 * classpath scanner cannot list resources inside a named module, so this class hands them over by name through a
 * {@link ResourceProvider}; add a script by adding its name to {@link #SCRIPTS}. Version 3 on SQLite is Java
 * ({@link SqliteStateTableRebuild}), handed to Flyway as an instance. A database that already holds
 * DECNET's tables but no Flyway history is baselined at version 0, so version 1 still runs (its DECNET tables are
 * {@code CREATE TABLE IF NOT EXISTS}).
 */
final class SchemaMigrations {
    /** Every migration script, oldest first: {@code V<version>__<description>.sql}. */
    private static final List<String> SCRIPTS = List.of("V1__rule_tables.sql", "V2__change_retention.sql",
            "V3__no_check_constraints.sql");
    /** SQLite's version 3 is a Java migration ({@link SqliteStateTableRebuild}): only a table with CHECKs is rebuilt. */
    private static final List<String> SQLITE_SCRIPTS = SCRIPTS.subList(0, 2);

    /** Flyway's bookkeeping table (the default name would clash with an application's own Flyway history). */
    static final String HISTORY_TABLE = "ttp4j_schema_history";

    private SchemaMigrations() {}

    static void migrate(DataSource dataSource, Dialect dialect) {
        migrate(dataSource, dialect, false);
    }

    /**
     * Migrates; with {@code decnetOwned}, first checks that DECNET's tables exist, because there DECNET's migrations
     * create them (a DECNET started later would fail on tables it did not make).
     *
     * @throws IllegalStateException in one line, naming the start order, when DECNET's tables are not there yet
     */
    static void migrate(DataSource dataSource, Dialect dialect, boolean decnetOwned) {
        migrate(dataSource, dialect, decnetOwned, "latest");
    }

    /** Migrates up to version {@code target} ({@code latest}: every version); tests upgrade from an older one. */
    static void migrate(DataSource dataSource, Dialect dialect, boolean decnetOwned, String target) {
        if (decnetOwned) {
            requireDecnetTables(dataSource);
        }
        boolean sqlite = dialect == Dialect.SQLITE;
        Flyway.configure(SchemaMigrations.class.getClassLoader())
                .dataSource(dataSource)
                .table(HISTORY_TABLE)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .target(target)
                .resourceProvider(new ModuleResources(dialect.migrationFolder(), sqlite ? SQLITE_SCRIPTS : SCRIPTS))
                .javaMigrationClassProvider(List::of)
                .javaMigrations(sqlite ? new JavaMigration[] {new SqliteStateTableRebuild()} : new JavaMigration[0])
                .load()
                .migrate();
    }

    /** Fails unless both of DECNET's tables exist (docs/stores.md §8). */
    private static void requireDecnetTables(DataSource dataSource) {
        List<String> absent = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            for (String table : List.of("ttp_rule", "ttp_rule_state")) {
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT 1 FROM " + table + " WHERE 1 = 0").close();
                } catch (SQLException e) {
                    absent.add(table);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot check for DECNET's tables: " + e.getMessage(), e);
        }
        if (!absent.isEmpty()) {
            throw new IllegalStateException(DatabaseConfig.DECNET_ENV + " is set and DECNET's " + String.join(" and ", absent)
                    + (absent.size() == 1 ? " is" : " are") + " not there yet: start DECNET first (its migrations create"
                    + " ttp_rule and ttp_rule_state), then ttp4j");
        }
    }

    /** The scripts of one dialect, read from this module's resources. */
    private record ModuleResources(String folder, List<String> scripts) implements ResourceProvider {
        @Override
        public LoadableResource getResource(String name) {
            return scripts.contains(name) ? new Script(folder, name) : null;
        }

        @Override
        public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
            List<LoadableResource> out = new ArrayList<>();
            for (String name : scripts) {
                if (name.startsWith(prefix) && Arrays.stream(suffixes).anyMatch(name::endsWith)) {
                    out.add(new Script(folder, name));
                }
            }
            return out;
        }
    }

    private static final class Script extends LoadableResource {
        private final String folder;
        private final String name;

        Script(String folder, String name) {
            this.folder = folder;
            this.name = name;
        }

        @Override
        public Reader read() {
            String path = "/" + folder + "/" + name;
            try (InputStream in = SchemaMigrations.class.getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalStateException("migration script " + path + " is missing from the module");
                }
                return new StringReader(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("reading migration script " + path, e);
            }
        }

        @Override
        public String getAbsolutePath() {
            return folder + "/" + name;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return null;
        }

        @Override
        public String getFilename() {
            return name;
        }

        @Override
        public String getRelativePath() {
            return name;
        }
    }
}
