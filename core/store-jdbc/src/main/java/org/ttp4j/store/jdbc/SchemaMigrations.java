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
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * Brings a database's schema to the current version with Flyway, creating the tables if absent.
 *
 * <p>The scripts are resources of this module ({@code migration/sqlite}, {@code migration/postgresql}). Flyway's
 * classpath scanner cannot list resources inside a named module, so this class hands them over by name through a
 * {@link ResourceProvider}; add a script by adding its name to {@link #SCRIPTS}. A database that already holds
 * DECNET's tables but no Flyway history is baselined at version 0, so version 1 still runs (its DECNET tables are
 * {@code CREATE TABLE IF NOT EXISTS}).
 */
final class SchemaMigrations {
    /** Every migration script, oldest first: {@code V<version>__<description>.sql}. */
    private static final List<String> SCRIPTS = List.of("V1__rule_tables.sql", "V2__change_retention.sql");

    /** Flyway's bookkeeping table (the default name would clash with an application's own Flyway history). */
    static final String HISTORY_TABLE = "ttp4j_schema_history";

    private SchemaMigrations() {}

    static void migrate(DataSource dataSource, Dialect dialect) {
        Flyway.configure(SchemaMigrations.class.getClassLoader())
                .dataSource(dataSource)
                .table(HISTORY_TABLE)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .resourceProvider(new ModuleResources(dialect.migrationFolder()))
                .javaMigrationClassProvider(List::of)
                .load()
                .migrate();
    }

    /** The scripts of one dialect, read from this module's resources. */
    private record ModuleResources(String folder) implements ResourceProvider {
        @Override
        public LoadableResource getResource(String name) {
            return SCRIPTS.contains(name) ? new Script(folder, name) : null;
        }

        @Override
        public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
            List<LoadableResource> out = new ArrayList<>();
            for (String name : SCRIPTS) {
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
