package org.ttp4j.store.fs;

import static org.ttp4j.inotify.Inotify.IN_CLOSE_WRITE;
import static org.ttp4j.inotify.Inotify.IN_CREATE;
import static org.ttp4j.inotify.Inotify.IN_DELETE;
import static org.ttp4j.inotify.Inotify.IN_DELETE_SELF;
import static org.ttp4j.inotify.Inotify.IN_IGNORED;
import static org.ttp4j.inotify.Inotify.IN_ISDIR;
import static org.ttp4j.inotify.Inotify.IN_MOVED_FROM;
import static org.ttp4j.inotify.Inotify.IN_MOVED_TO;
import static org.ttp4j.inotify.Inotify.IN_MOVE_SELF;
import static org.ttp4j.inotify.Inotify.IN_ONLYDIR;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.ttp4j.inotify.Inotify;
import org.ttp4j.inotify.InotifyEvent;
import org.ttp4j.inotify.InotifyException;
import org.ttp4j.inotify.InotifyHandler;
import org.ttp4j.inotify.InotifyWatcher;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Problem;
import org.ttp4j.rule.RuleCompiler;
import org.ttp4j.rule.RuleFileNames;
import org.ttp4j.rule.RuleIds;
import org.ttp4j.rule.RuleState;
import org.ttp4j.store.internal.ChangePublisher;
import org.ttp4j.store.internal.ExpiryScheduler;
import org.ttp4j.store.RuleChange;
import org.ttp4j.store.RuleStore;
import org.ttp4j.store.StateAuditEntry;
import org.ttp4j.store.StoreException;
import org.ttp4j.store.StoreReporter;

/**
 * The rules of one directory of YAML files, hot-reloaded through Linux inotify (docs/stores.md §4), with the
 * operator state in a {@link StateFile} beside them (docs/stores.md §6), watched by the same inotify reader: a
 * state written by another process ({@code ttp4j state set}) is live here as soon as its rename is read.
 *
 * <p><b>Threads.</b> Every file read and compile runs on one thread per store, the inotify reader thread,
 * batch by batch: the events of one {@code read()} are collected, then the files they name are re-read once
 * and exactly the per-rule differences are published (so a rename {@code A.yaml → B.yaml} read in one batch
 * is no change). Readers ({@link #loadCompiled}, {@link #getState}) never block on that thread: they read an
 * immutable snapshot swapped in before each batch's changes are published. Subscribers are called on the
 * reader thread (definitions), the expiry thread (reverts) or the {@code setState} caller, one change at a
 * time, in one order for all ({@link ChangePublisher}).
 *
 * <p><b>Directory gone.</b> When the rules directory is deleted or moved away, every rule is published as
 * removed; the store then watches the nearest existing ancestor of the directory's path (no polling) and,
 * once the directory is back, loads it again, publishing the rules found.
 *
 * <p><b>Swapped data links.</b> A rules directory mounted from a Kubernetes ConfigMap holds symlinks
 * {@code R0001.yaml -> ..data/R0001.yaml}, and an update swaps the {@code ..data} link: a new link whose name
 * starts with {@code ..} makes the store re-read its rule files (publishing exactly what differs).
 *
 * <p><b>Overflow.</b> When the kernel queue overflows, the store rereads the whole directory and publishes
 * exactly the differences.
 */
public final class FilesystemRuleStore implements RuleStore {
    private static final System.Logger LOG = System.getLogger(FilesystemRuleStore.class.getName());

    /**
     * What the rules directory is watched for: DECNET's {@code IN_CLOSE_WRITE|IN_MOVED_TO|IN_CREATE|IN_DELETE}
     * ({@code 0x388}) plus {@code IN_MOVED_FROM|IN_DELETE_SELF|IN_MOVE_SELF}, so that no rule goes stale.
     */
    public static final int WATCH_MASK = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE
            | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF;

    /** While the directory is missing: its nearest existing ancestor, for a child appearing or itself going. */
    private static final int ANCESTOR_MASK = IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

    /** The state file's directory: the file written in place, renamed over, or removed. */
    private static final int STATE_MASK = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ONLYDIR;

    private final Path dir;
    private final StoreReporter reporter;
    private final Clock clock;
    private final ChangePublisher publisher = new ChangePublisher();
    private final ExpiryScheduler expiry;
    /** What the state file held when last read or written (expired entries until their revert runs). */
    private final Map<String, RuleState> states = new ConcurrentHashMap<>();
    private final StateFile stateFile;
    private final Path stateDir;
    private final byte[] stateName;
    private volatile int stateWd = -1;
    /** Orders state writes, expiry reverts and definition publishing, so each change carries the state in force. */
    private final Object stateLock = new Object();
    /** Serializes the startup scan with the reader thread's batches (the reader starts with the watcher). */
    private final Object compileLock = new Object();
    private final RuleDirectory directory;           // guarded by compileLock
    private final InotifyWatcher watcher;
    private volatile Map<String, CompiledRule> rules; // immutable; swapped under compileLock
    private volatile boolean closed;
    // Written under compileLock; read unlocked by the reader thread to route events.
    private volatile int dirWd = -1;
    private volatile int ancestorWd = -1;
    private Path ancestor;                            // guarded by compileLock

    /** Opens a store on {@code directory} with the defaults (tolerant startup, problems logged). */
    public static FilesystemRuleStore open(Path directory) {
        return builder(directory).open();
    }

    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** Options for a {@link FilesystemRuleStore}; {@link #open()} builds it. */
    public static final class Builder {
        private final Path directory;
        private boolean strict;
        private StoreReporter reporter = StoreReporter.LOG;
        private Clock clock = Clock.systemUTC();
        private RuleCompiler compiler = new RuleCompiler();
        private Path stateFile;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /**
         * Where the operator state is kept (a JSON file outside the rules directory); default
         * {@link StateFile#defaultFor}, the directory's sibling {@code NAME.state.json}.
         */
        public Builder stateFile(Path stateFile) {
            this.stateFile = Objects.requireNonNull(stateFile, "stateFile");
            return this;
        }

        /** Fail startup when any rule file is invalid (or the directory is missing); default: report and skip. */
        public Builder strict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /** Where problems, overflows and rescans go; default {@link StoreReporter#LOG}. */
        public Builder reporter(StoreReporter reporter) {
            this.reporter = Objects.requireNonNull(reporter, "reporter");
            return this;
        }

        /** Shorthand for a reporter that hands problems to {@code problems} and logs the rest. */
        public Builder problems(Consumer<? super Problem> problems) {
            Objects.requireNonNull(problems, "problems");
            return reporter(new StoreReporter() {
                @Override
                public void problem(Problem problem) {
                    problems.accept(problem);
                }
            });
        }

        /** The clock that stamps {@code set_at} and decides expiry; default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The compiler of the rule files (default: a plain {@link RuleCompiler}); one with a {@link
         * org.ttp4j.rule.CompileCache} builds an unchanged file from its entry (docs/rules.md §10).
         */
        public Builder compiler(RuleCompiler compiler) {
            this.compiler = Objects.requireNonNull(compiler, "compiler");
            return this;
        }

        /**
         * Reads every rule file, starts watching, and returns the store.
         *
         * @throws StoreException on a platform without inotify (one line naming the alternative), when the
         *     watch cannot be set up, or in strict mode when a rule file is invalid or the directory is missing
         */
        public FilesystemRuleStore open() {
            return new FilesystemRuleStore(this);
        }
    }

    private FilesystemRuleStore(Builder b) {
        this.dir = b.directory.toAbsolutePath().normalize();
        this.reporter = b.reporter;
        this.clock = b.clock;
        this.stateFile = new StateFile(b.stateFile != null ? b.stateFile : StateFile.defaultFor(dir), clock);
        this.stateDir = stateFile.path().getParent();
        this.stateName = stateFile.path().getFileName().toString().getBytes(StandardCharsets.UTF_8);
        if (stateDir.equals(dir)) {
            throw new StoreException("the state file " + stateFile.path() + " must not be inside the rules directory"
                    + " (rules directories are often replaced whole); put it beside it, e.g. " + StateFile.defaultFor(dir));
        }
        this.directory = new RuleDirectory(dir, b.compiler, reporter);
        directory.compileEarly(); // before watching, while another thread may be linking the inotify calls
        if (!Inotify.isAvailable()) {
            throw new StoreException(unavailable(Inotify.unavailabilityCause()));
        }
        this.rules = directory.snapshot();
        this.expiry = new ExpiryScheduler(clock, "ttp4j-expiry " + dir.getFileName());
        try {
            this.watcher = new InotifyWatcher(new Watch(), "ttp4j-rules " + dir.getFileName(), InotifyWatcher.MIN_BUFFER_SIZE);
        } catch (InotifyException e) {
            expiry.close();
            throw new StoreException("cannot watch " + dir + ": " + e.getMessage(), e);
        }
        try {
            synchronized (compileLock) {
                requireDirectory(dir, b.strict);
                List<Problem> errors = new ArrayList<>();
                // Watch first, then read: an edit made while reading is then seen again, never lost.
                watchState();
                Problem stateProblem = reloadState();
                if (b.strict && stateProblem != null) {
                    throw new StoreException("the state file is invalid (strict mode): " + stateProblem);
                }
                if (attach(errors) < 0) {
                    reporter.directoryGone(dir);
                }
                requireValid(dir, b.strict, errors);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * The rules of {@code directory} read once, as a store loads them at startup (the same file names, size limit,
     * duplicate-id rule, reports and strictness), with nothing watched and no thread started: for one-shot work
     * such as {@code ttp4j tag}. The rules carry the default state.
     *
     * @throws StoreException in strict mode, when a rule file is invalid or the directory is missing
     */
    public static List<CompiledRule> readOnce(Path directory, StoreReporter reporter, boolean strict) {
        return readOnce(directory, reporter, strict, new RuleCompiler());
    }

    /** As {@link #readOnce(Path, StoreReporter, boolean)}, compiling with {@code compiler}. */
    public static List<CompiledRule> readOnce(Path directory, StoreReporter reporter, boolean strict,
                                              RuleCompiler compiler) {
        Path dir = directory.toAbsolutePath().normalize();
        requireDirectory(dir, strict);
        RuleDirectory files = new RuleDirectory(dir, compiler, reporter);
        List<Problem> errors = new ArrayList<>();
        files.rescan(errors);
        requireValid(dir, strict, errors);
        return List.copyOf(files.snapshot().values());
    }

    private static void requireDirectory(Path dir, boolean strict) {
        if (strict && !Files.isDirectory(dir)) {
            throw new StoreException("rules directory " + dir + " does not exist (strict mode)");
        }
    }

    private static void requireValid(Path dir, boolean strict, List<Problem> errors) {
        if (strict && !errors.isEmpty()) {
            long files = errors.stream().map(Problem::path).distinct().count();
            throw new StoreException(files + " invalid rule file(s) in " + dir + " (strict mode); first: " + errors.get(0));
        }
    }

    /** The one line an operator reads where inotify cannot be used: why, and what to use instead. */
    static String unavailable(Throwable cause) {
        String why = cause == null || cause.getMessage() == null ? String.valueOf(cause) : cause.getMessage();
        return "the filesystem rule store needs Linux inotify, which is not available here ("
                + why.replace('\n', ' ').strip()
                + "); set DECNET_TTP_RULE_STORE_TYPE=database to use the database rule store instead";
    }

    /** The watched directory (absolute). */
    public Path directory() {
        return dir;
    }

    /** True while the rules directory and the state file's directory are watched (a readiness probe). */
    public boolean isWatching() {
        return !closed && watcher.isOpen() && dirWd >= 0 && stateWd >= 0;
    }

    /** Where this store keeps its operator state. */
    public StateFile stateFile() {
        return stateFile;
    }

    /** Every rule, in rule id order, each with its current state. */
    @Override
    public List<CompiledRule> loadCompiled() {
        Map<String, CompiledRule> now = rules;
        List<CompiledRule> out = new ArrayList<>(now.size());
        for (CompiledRule r : now.values()) {
            out.add(r.withState(getState(r.ruleId())));
        }
        return out;
    }

    @Override
    public RuleState getState(String ruleId) {
        RuleState s = states.get(ruleId);
        return s == null ? RuleState.DEFAULT : s.effectiveAt(clock.instant());
    }

    @Override
    public RuleState setState(String ruleId, RuleState state, String setBy) {
        RuleIds.requireValid(ruleId);
        Objects.requireNonNull(state, "state");
        synchronized (stateLock) {
            if (closed) {
                throw new StoreException("cannot set the state of " + ruleId + ": the rule store on " + dir + " is closed");
            }
            RuleState stamped = stateFile.setState(ruleId, state, setBy); // persisted first; throws on failure
            states.put(ruleId, stamped);
            expiry.schedule(ruleId, stamped.expiresAt(), () -> revert(ruleId, stamped));
            publisher.publish(new RuleChange.State(ruleId, stamped));
            return stamped;
        }
    }

    /** Every stored state, as in effect now, by rule id (what this store last read from its state file). */
    @Override
    public Map<String, RuleState> states() {
        Instant now = clock.instant();
        Map<String, RuleState> out = new java.util.TreeMap<>();
        states.forEach((id, s) -> out.put(id, s.effectiveAt(now)));
        return out;
    }

    @Override
    public List<StateAuditEntry> stateHistory(String ruleId) {
        return stateFile.stateHistory(ruleId);
    }

    private void revert(String ruleId, RuleState expired) {
        synchronized (stateLock) {
            if (closed || !states.remove(ruleId, expired)) {
                return; // replaced since, or closed
            }
            try {
                stateFile.expire(ruleId, expired); // unless another process replaced or expired it first
            } catch (StoreException e) {
                LOG.log(Level.WARNING, "expiring the state of " + ruleId + ": " + e.getMessage());
            }
            publisher.publish(new RuleChange.State(ruleId, RuleState.DEFAULT));
        }
    }

    private void watchState() {
        try {
            Files.createDirectories(stateDir);
            stateWd = watcher.addWatch(stateDir, STATE_MASK);
        } catch (IOException e) {
            throw new StoreException("cannot watch the state file's directory " + stateDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the state file and publishes exactly the entries that differ from what was live; a bad file is
     * reported (path:line:column) and returned, and the live state stays.
     */
    private Problem reloadState() {
        // Read under the lock that setState writes under: a read from before our own write never lands after it.
        synchronized (stateLock) {
            if (closed) {
                return null;
            }
            Map<String, RuleState> read;
            try {
                read = stateFile.read();
            } catch (StateJson.Malformed e) {
                reporter.problem(e.problem());
                return e.problem();
            } catch (IOException e) {
                Problem p = Problem.error(stateFile.path().toString(), 1, 1, "-", "cannot read the state file: " + e.getMessage());
                reporter.problem(p);
                return p;
            }
            Set<String> ids = new TreeSet<>(states.keySet());
            ids.addAll(read.keySet());
            Instant now = clock.instant();
            for (String id : ids) {
                RuleState was = states.get(id);
                RuleState next = read.get(id);
                if (Objects.equals(was, next)) {
                    continue;
                }
                if (next == null) {
                    states.remove(id);
                    expiry.schedule(id, null, null);
                } else {
                    states.put(id, next);
                    expiry.schedule(id, next.expiresAt(), () -> revert(id, next));
                }
                publisher.publish(new RuleChange.State(id, next == null ? RuleState.DEFAULT : next.effectiveAt(now)));
            }
        }
        return null;
    }

    @Override
    public Subscription subscribe(Consumer<? super RuleChange> listener) {
        return publisher.subscribe(listener);
    }

    /**
     * Stops watching and expiring; idempotent. Waits for a batch being processed to finish, except when called
     * by a subscriber during a delivery on another thread (a {@code setState} caller or the expiry thread): the
     * compile thread may then be waiting for that delivery to end, so the watcher is closed on a thread of its
     * own and this returns at once.
     */
    @Override
    public void close() {
        synchronized (stateLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (watcher != null) {
            if (Thread.holdsLock(stateLock)) {
                Thread.ofPlatform().name("ttp4j-rules-close " + dir.getFileName()).daemon(true).start(watcher::close);
            } else {
                watcher.close();
            }
        }
        expiry.close();
    }

    // ---- the compile thread -------------------------------------------------------------------------------

    /** Publishes {@code updates}, each with the state in force; returns how many. Caller holds compileLock. */
    private int publish(List<RuleDirectory.Update> updates) {
        rules = directory.snapshot();
        if (updates.isEmpty()) {
            return 0;
        }
        synchronized (stateLock) {
            if (closed) {
                return 0;
            }
            for (RuleDirectory.Update u : updates) {
                publisher.publish(u.rule() == null
                        ? new RuleChange.Removed(u.ruleId())
                        : new RuleChange.Definition(u.ruleId(), u.rule().withState(getState(u.ruleId()))));
            }
        }
        return updates.size();
    }

    /**
     * Watches the rules directory if it exists and loads it, publishing what differs from what the store had,
     * and returns how many changes that was; else watches its nearest existing ancestor until it appears and
     * returns -1. Caller holds compileLock.
     */
    private int attach(List<Problem> errors) {
        while (!closed) {
            if (Files.isDirectory(dir)) {
                try {
                    dirWd = watcher.addWatch(dir, WATCH_MASK | IN_ONLYDIR);
                } catch (InotifyException e) {
                    if (Files.isDirectory(dir)) {
                        throw new StoreException("cannot watch " + dir + ": " + e.getMessage(), e);
                    }
                    continue; // gone again in between
                }
                unwatchAncestor();
                return publish(directory.rescan(errors));
            }
            Path existing = dir.getParent();
            while (existing != null && !Files.isDirectory(existing)) {
                existing = existing.getParent();
            }
            if (existing == null) {
                return -1; // nothing to watch (cannot happen on Linux: / exists)
            }
            if (!existing.equals(ancestor)) {
                unwatchAncestor();
                try {
                    // One inode, one watch: the state file's directory keeps its own events too.
                    ancestorWd = watcher.addWatch(existing, existing.equals(stateDir) ? ANCESTOR_MASK | STATE_MASK : ANCESTOR_MASK);
                    ancestor = existing;
                } catch (InotifyException e) {
                    if (Files.isDirectory(existing)) {
                        throw new StoreException("cannot watch " + existing + " for " + dir + " to appear: " + e.getMessage(), e);
                    }
                    continue;
                }
            }
            // Watched now; if the next level appeared before the watch, go round again, else wait for events.
            Path next = dir.subpath(0, existing.getNameCount() + 1);
            if (!Files.isDirectory(dir.getRoot().resolve(next))) {
                return -1;
            }
        }
        return -1;
    }

    private void unwatchAncestor() {
        if (ancestorWd >= 0 && ancestorWd == stateWd) {
            try {
                watcher.addWatch(stateDir, STATE_MASK); // replaces the combined mask; the state watch stays
            } catch (InotifyException e) {
                LOG.log(Level.WARNING, "narrowing the watch on " + stateDir + ": " + e);
            }
        } else if (ancestorWd >= 0) {
            try {
                watcher.removeWatch(ancestorWd);
            } catch (InotifyException | IllegalStateException e) {
                LOG.log(Level.DEBUG, "removing the watch on " + ancestor + ": " + e);
            }
        }
        ancestorWd = -1;
        ancestor = null;
    }

    private void detach() {
        if (dirWd >= 0) {
            try {
                watcher.removeWatch(dirWd); // a moved directory is still watched under its new name
            } catch (InotifyException | IllegalStateException e) {
                LOG.log(Level.DEBUG, "removing the watch on " + dir + ": " + e);
            }
        }
        dirWd = -1;
    }

    /** The handler of the reader thread: collects one batch of names, then processes it as a unit. */
    private final class Watch implements InotifyHandler {
        private final Set<String> dirty = new TreeSet<>();
        private final Set<String> written = new HashSet<>();
        private boolean overflowed;
        private boolean directoryGone;
        private boolean ancestorChanged;
        private boolean linkedDataSwapped;
        private boolean stateChanged;

        @Override
        public void onEvent(InotifyEvent e) {
            int wd = e.wd();
            int mask = e.mask();
            if (wd == stateWd) {
                if ((mask & IN_IGNORED) != 0) {
                    stateWd = -1;
                    LOG.log(Level.WARNING, "the state file's directory " + stateDir + " is gone: state changes made"
                            + " elsewhere are no longer seen; this process keeps its live state");
                } else if ((mask & IN_ISDIR) == 0 && e.nameEquals(stateName)) {
                    stateChanged = true;
                }
            }
            if (wd == dirWd) {
                if ((mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) != 0) {
                    directoryGone = true;
                } else if ((mask & IN_ISDIR) == 0 && RuleFileNames.matches(e.segment(), e.nameOffset(), e.nameLength())) {
                    String name = e.name();
                    dirty.add(name);
                    if ((mask & IN_CREATE) == 0) {
                        written.add(name);
                    }
                } else if ((mask & (IN_MOVED_TO | IN_CREATE)) != 0 && (mask & IN_ISDIR) == 0 && isDotDotName(e)) {
                    linkedDataSwapped = true;
                }
            } else if (wd == ancestorWd && (mask & (IN_ISDIR | IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) != 0) {
                ancestorChanged = true;
            }
        }

        @Override
        public void onOverflow() {
            overflowed = true;
            stateChanged = true;
        }

        @Override
        public void onBatchEnd() {
            try {
                synchronized (compileLock) {
                    if (!closed) {
                        process();
                    }
                }
                if (stateChanged && !closed) {
                    reloadState();
                }
            } finally {
                dirty.clear();
                written.clear();
                overflowed = directoryGone = ancestorChanged = linkedDataSwapped = stateChanged = false;
            }
        }

        private void process() {
            if (overflowed || directoryGone) {
                // Lost events may hide the directory's deletion or replacement: watch the path afresh either way.
                if (overflowed) {
                    reporter.overflow();
                }
                detach();
                int changes = attach(null);
                if (changes < 0) {
                    changes = publish(directory.rescan(null)); // every rule removed
                    reporter.directoryGone(dir);
                } else if (directoryGone) {
                    reporter.directoryWatched(dir); // replaced before we got here
                }
                if (overflowed) {
                    reporter.rescan(changes);
                }
                return;
            }
            if (dirWd < 0) {
                if (ancestorChanged && attach(null) >= 0) {
                    reporter.directoryWatched(dir);
                }
                return;
            }
            if (linkedDataSwapped) {
                publish(directory.rescan(null)); // rule files may be symlinks through the swapped link
                return;
            }
            if (!dirty.isEmpty()) {
                Set<String> quiet = Set.of();
                if (written.size() < dirty.size()) {
                    quiet = new HashSet<>(dirty);
                    quiet.removeAll(written);
                }
                publish(directory.refresh(dirty, quiet, null));
            }
        }

        /**
         * A name starting with {@code ..}, such as the {@code ..data} link a Kubernetes ConfigMap or Secret
         * volume swaps atomically on update: its rule files are symlinks through it and get no event of their
         * own. Never a rule file, never parsed, never logged; it only makes the store re-read its rule files.
         */
        private static boolean isDotDotName(InotifyEvent e) {
            return e.nameLength() >= 2 && e.segment().get(ValueLayout.JAVA_BYTE, e.nameOffset()) == '.'
                    && e.segment().get(ValueLayout.JAVA_BYTE, e.nameOffset() + 1) == '.';
        }

        @Override
        public void onError(Throwable error) {
            LOG.log(Level.ERROR, "rules directory " + dir + ": " + error, error);
        }
    }
}
