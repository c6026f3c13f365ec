package org.ttp4j.store;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * Opens the rule store the environment asks for (docs/stores.md §3): {@code DECNET_TTP_RULE_STORE_TYPE} selects
 * the backend ({@code filesystem} by default), {@code TTP4J_RULES_DIR} overrides the rules directory
 * ({@code ./rules/ttp/} by default) and {@code TTP4J_STATE_FILE} the filesystem store's state file (default: the
 * rules directory's sibling {@code ttp.state.json}); for {@code database}, {@code TTP4J_DB_URL} (default
 * {@code jdbc:sqlite:ttp4j.db}), {@code TTP4J_DB_USER} and {@code TTP4J_DB_PASSWORD} name the database and
 * {@code TTP4J_DB_CHANGE_RETENTION} (default {@code 7d}) says how long its change log is kept.
 * Environment variables are read here and nowhere else.
 *
 * <pre>{@code
 * try (RuleStore store = RuleStores.fromEnvironment(System.getenv()).reporter(myReporter).open()) { ... }
 * }</pre>
 */
public final class RuleStores {
    private RuleStores() {}

    /** The environment variable that overrides the rules directory. */
    public static final String RULES_DIR_ENV = "TTP4J_RULES_DIR";

    /** The rules directory when {@link #RULES_DIR_ENV} is unset: {@code ./rules/ttp/}, as in DECNET. */
    public static final Path DEFAULT_RULES_DIR = Path.of("rules", "ttp");

    /** The environment variable that overrides the filesystem store's state file. */
    public static final String STATE_FILE_ENV = "TTP4J_STATE_FILE";

    /** Opens the store {@code env} selects, with the defaults (tolerant startup, reports logged). */
    public static RuleStore open(Map<String, String> env) {
        return fromEnvironment(env).open();
    }

    /** A builder configured from {@code env} (usually {@link System#getenv()}); its setters override it. */
    public static Builder fromEnvironment(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        Builder b = new Builder();
        b.type = RuleStoreType.select(env.get(RuleStoreType.ENV));
        String dir = env.get(RULES_DIR_ENV);
        if (dir != null && !dir.isBlank()) {
            b.rulesDirectory = Path.of(dir.strip());
        }
        String stateFile = env.get(STATE_FILE_ENV);
        if (stateFile != null && !stateFile.isBlank()) {
            b.stateFile = Path.of(stateFile.strip());
            b.stateFileFromEnvironment = true;
        }
        b.env = Map.copyOf(env);
        return b;
    }

    /** What to open and how. */
    public static final class Builder {
        private RuleStoreType type = RuleStoreType.FILESYSTEM;
        private Path rulesDirectory = DEFAULT_RULES_DIR;
        private Path stateFile;
        private boolean stateFileFromEnvironment;
        private StoreReporter reporter = StoreReporter.LOG;
        private boolean strict;
        private Map<String, String> env = Map.of();
        private org.ttp4j.rule.RuleCompiler compiler = new org.ttp4j.rule.RuleCompiler();

        private Builder() {}

        /** The environment the builder was made from; a backend reads its own settings from it. */
        public Map<String, String> environment() {
            return env;
        }

        public Builder type(RuleStoreType type) {
            this.type = Objects.requireNonNull(type, "type");
            return this;
        }

        /** The filesystem store's rules directory. */
        public Builder rulesDirectory(Path rulesDirectory) {
            this.rulesDirectory = Objects.requireNonNull(rulesDirectory, "rulesDirectory");
            return this;
        }

        /** Where rejected rules, overflows and rescans are reported; default {@link StoreReporter#LOG}. */
        public Builder reporter(StoreReporter reporter) {
            this.reporter = Objects.requireNonNull(reporter, "reporter");
            return this;
        }

        /**
         * The compiler of the rule files or rows, either store (default: a plain {@link org.ttp4j.rule.RuleCompiler}); one with a {@link
         * org.ttp4j.rule.CompileCache} builds an unchanged rule from its entry (docs/rules.md §10).
         */
        public Builder compiler(org.ttp4j.rule.RuleCompiler compiler) {
            this.compiler = Objects.requireNonNull(compiler, "compiler");
            return this;
        }

        public org.ttp4j.rule.RuleCompiler compiler() {
            return compiler;
        }

        /** Fail startup on any invalid rule instead of reporting and skipping it. */
        public Builder strict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /** The filesystem store's state file; default: beside the rules directory. */
        public Builder stateFile(Path stateFile) {
            this.stateFile = Objects.requireNonNull(stateFile, "stateFile");
            this.stateFileFromEnvironment = false;
            return this;
        }

        /**
         * The filesystem store's state file as configured, or its default beside {@link #rulesDirectory()}. A
         * {@code TTP4J_STATE_FILE} that names a directory is refused here, where the file is used, naming the setting.
         */
        public Path stateFile() {
            if (stateFile == null) {
                return org.ttp4j.store.fs.StateFile.defaultFor(rulesDirectory);
            }
            if (stateFileFromEnvironment && org.ttp4j.store.fs.StateFile.namesNoFile(stateFile)) {
                throw new IllegalArgumentException(STATE_FILE_ENV + "=" + stateFile + " names a directory, not a state"
                        + " file (e.g. /var/lib/ttp4j/rules.state.json)");
            }
            return stateFile;
        }

        public RuleStoreType type() {
            return type;
        }

        public Path rulesDirectory() {
            return rulesDirectory;
        }

        public StoreReporter reporter() {
            return reporter;
        }

        public boolean strict() {
            return strict;
        }

        /**
         * Opens the selected store.
         *
         * @throws StoreException when it cannot be opened (e.g. no inotify on this platform, or strict startup
         *     found an invalid rule), with a one-line message
         */
        public RuleStore open() {
            for (RuleStoreProvider p : ServiceLoader.load(RuleStoreProvider.class, RuleStores.class.getClassLoader())) {
                if (p.type() == type) {
                    return p.open(this);
                }
            }
            throw new StoreException(RuleStoreType.ENV + "=" + type.wireName() + " needs the module "
                    + "org.ttp4j.store.jdbc (artifact org.ttp4j:ttp4j-store-jdbc) and a JDBC driver on the module path");
        }
    }
}
