package org.ttp4j.rule;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.Validator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.ttp4j.rule.model.EmitDocument;
import org.ttp4j.rule.model.RuleDocument;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Compiles one rule file (docs/rules.md) into a {@link CompiledRule}, or reports every problem in it,
 * each positioned at its YAML node ({@code path:line:column: field.path: message}).
 *
 * <p>Stages: size limit and UTF-8 decoding; safe YAML composition to a node tree under alias, depth
 * and size limits; binding to the schema records of {@code org.ttp4j.rule.model} (type errors are
 * reported here); Jakarta Validation of those records (field rules); compilation (the Python pattern,
 * engine- or lifter-owned, the sub-technique belonging to its technique); and the {@code examples:}
 * self-tests, run with the engine's semantics.
 *
 * <p>Ordinary invalid input never throws: it gives {@link CompileResult.Failed}. Thread-safe: one
 * compiler may be shared by any number of threads.
 */
public final class RuleCompiler {

    /**
     * Limits that turn hostile input into a clear error instead of memory or CPU exhaustion.
     *
     * @param maxFileBytes      largest accepted file (default 1 MiB)
     * @param maxAliases        most aliases to lists or mappings in one file (default 50)
     * @param maxNestingDepth   deepest nesting of lists and mappings (default 64)
     * @param maxNodes          most nodes a file may expand to, aliases counted at every use (default 100,000)
     * @param exampleStepBudget most character reads one {@code examples:} case may take, a guard against a
     *                          catastrophically backtracking pattern (default 10,000,000)
     * @param maxProblems       most problems reported for one file; the rest are summed up in a last line
     *                          (default 100)
     * @param recentPatterns    most distinct patterns whose translation the compiler keeps for the next file
     *                          that has them, such as the next version of an edited rule (default 256; 0: none)
     */
    public record Options(long maxFileBytes, int maxAliases, int maxNestingDepth, int maxNodes,
                          long exampleStepBudget, int maxProblems, int recentPatterns) {

        public static final Options DEFAULTS = new Options(1L << 20, 50, 64, 100_000, 10_000_000L, 100, 256);

        /** The limits as before {@code recentPatterns} existed, keeping its default (256). */
        public Options(long maxFileBytes, int maxAliases, int maxNestingDepth, int maxNodes, long exampleStepBudget,
                       int maxProblems) {
            this(maxFileBytes, maxAliases, maxNestingDepth, maxNodes, exampleStepBudget, maxProblems, 256);
        }

        public Options {
            if (maxFileBytes < 1 || maxFileBytes > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("maxFileBytes must be in [1, 2^31 - 17], got " + maxFileBytes);
            }
            if (maxAliases < 0 || maxNestingDepth < 2 || maxNodes < 1 || exampleStepBudget < 1 || maxProblems < 2
                    || recentPatterns < 0) {
                throw new IllegalArgumentException("limits must be positive: " + this);
            }
        }

        /**
         * The record's usual text, written out: the generated one costs a cold JVM a tenth of a second, and the
         * command's caches put it in their build's fingerprint (docs/cli.md §12).
         */
        @Override
        public String toString() {
            return "Options[maxFileBytes=" + maxFileBytes + ", maxAliases=" + maxAliases + ", maxNestingDepth="
                    + maxNestingDepth + ", maxNodes=" + maxNodes + ", exampleStepBudget=" + exampleStepBudget
                    + ", maxProblems=" + maxProblems + ", recentPatterns=" + recentPatterns + "]";
        }

        public Options withMaxFileBytes(long v) {
            return new Options(v, maxAliases, maxNestingDepth, maxNodes, exampleStepBudget, maxProblems, recentPatterns);
        }

        public Options withMaxAliases(int v) {
            return new Options(maxFileBytes, v, maxNestingDepth, maxNodes, exampleStepBudget, maxProblems, recentPatterns);
        }

        public Options withMaxNestingDepth(int v) {
            return new Options(maxFileBytes, maxAliases, v, maxNodes, exampleStepBudget, maxProblems, recentPatterns);
        }

        public Options withMaxNodes(int v) {
            return new Options(maxFileBytes, maxAliases, maxNestingDepth, v, exampleStepBudget, maxProblems, recentPatterns);
        }

        public Options withExampleStepBudget(long v) {
            return new Options(maxFileBytes, maxAliases, maxNestingDepth, maxNodes, v, maxProblems, recentPatterns);
        }

        public Options withMaxProblems(int v) {
            return new Options(maxFileBytes, maxAliases, maxNestingDepth, maxNodes, exampleStepBudget, v, recentPatterns);
        }

        public Options withRecentPatterns(int v) {
            return new Options(maxFileBytes, maxAliases, maxNestingDepth, maxNodes, exampleStepBudget, maxProblems, v);
        }
    }

    private final Options options;
    private final RecentPatterns recent;
    private final CompileCache cache;

    /** A compiler with {@link Options#DEFAULTS}. */
    public RuleCompiler() {
        this(Options.DEFAULTS);
    }

    public RuleCompiler(Options options) {
        this(options, null);
    }

    /**
     * A compiler that keeps each clean compile in {@code cache} and builds a source it holds an entry for from that
     * entry (docs/rules.md §10): the same rule and problems, without parsing, validating or self-testing it again.
     *
     * @param cache null for none
     */
    public RuleCompiler(Options options, CompileCache cache) {
        this.options = java.util.Objects.requireNonNull(options, "options");
        this.recent = new RecentPatterns(options.recentPatterns());
        this.cache = cache;
    }

    public Options options() {
        return options;
    }

    /**
     * Reads and compiles one file (following symbolic links); {@code sourcePath} of the result is
     * {@code file.toString()}. A missing, unreadable, non-regular or too large file is a {@link CompileResult.Failed}.
     */
    public CompileResult compile(java.nio.file.Path file) {
        try {
            return compile(RuleSource.read(file, options.maxFileBytes()));
        } catch (NoSuchFileException e) {
            return failed(file.toString(), "cannot read the file: it does not exist");
        } catch (IOException e) {
            return failed(file.toString(), e.getMessage());
        }
    }

    /** Compiles a rule from its bytes (UTF-8); {@code sourcePath} names it in problems and in the result. */
    public CompileResult compile(String sourcePath, byte[] content) {
        return compile(RuleSource.of(sourcePath, content));
    }

    /** Compiles a rule file already read; the compiled rule's content hash is the source's. */
    public CompileResult compile(RuleSource source) {
        java.util.Objects.requireNonNull(source, "source");
        if (source.content().length > options.maxFileBytes()) {
            return failed(source.path(), RuleSource.tooLarge(source.content().length, options.maxFileBytes()));
        }
        if (cache == null) {
            return new Compilation(source).run();
        }
        byte[] kept;
        try {
            kept = cache.get(source.path(), source.sha256());
        } catch (RuntimeException e) {
            kept = null; // a cache only ever saves time
        }
        if (kept != null) {
            CompileResult rebuilt = new Compilation(source).rebuild(kept);
            if (rebuilt != null) {
                return rebuilt;
            }
        }
        prepare(); // the validator's bootstrap overlaps this compile's parsing
        Compilation compilation = new Compilation(source);
        CompileResult result = compilation.run();
        if (result instanceof CompileResult.Compiled c && compilation.bound != null) {
            // the literals are learnt here, once, on the rule itself, which the index then reads (docs/engine.md §3)
            RequiredLiterals literals = c.rule().match() instanceof Match.Regex r ? r.literals() : null;
            byte[] entry = compilation.bound.with(literals, c.problems()).encode(source.sha256(), options.toString());
            if (entry != null) {
                try {
                    cache.put(source.path(), source.sha256(), entry);
                } catch (RuntimeException e) {
                    // not kept: the next compile of this source does the work again
                }
            }
        }
        return result;
    }

    private static CompileResult failed(String path, String message) {
        return new CompileResult.Failed(List.of(Problem.error(path, 1, 1, "-", message)));
    }

    /**
     * Starts building the schema validator on a background thread, so that this bootstrap, the largest fixed cost
     * of the first compile, overlaps whatever the caller does first (a command line's parsing, listing a
     * directory); a compile that comes sooner waits for it (docs/cli.md §12). Cheap to call more than once.
     */
    public static void prepare() {
        if (!PREPARING.getAndSet(true)) {
            inBackground("ttp4j-schema", Schema::ready);
        }
    }

    private static void inBackground(String name, Runnable bootstrap) {
        Thread.ofPlatform().daemon().name(name).start(() -> {
            try {
                bootstrap.run();
            } catch (Throwable e) {
                // the first compile that needs it fails on it, on its own thread, and reports it there
            }
        });
    }

    private static final java.util.concurrent.atomic.AtomicBoolean PREPARING = new java.util.concurrent.atomic.AtomicBoolean();

    /** The schema validator, built once per JVM (building one costs a few hundred milliseconds of CPU). */
    private static final class Schema {
        static final Validator VALIDATOR = build();

        private static Validator build() {
            Validator v = jakarta.validation.Validation.byProvider(HibernateValidator.class)
                    .configure()
                    .ignoreXmlConfiguration() // no META-INF/validation.xml to look for: the schema is the annotations
                    .messageInterpolator(new ParameterMessageInterpolator())
                    .buildValidatorFactory()
                    .getValidator();
            // reads the records' constraints and initialises their validators here, where prepare() overlaps it,
            // rather than in the first compiles (which wait for this class), each doing it again
            v.validate(new RuleDocument("R0", 1L, "n", null, List.of("command"), Map.of(),
                    List.of(new EmitDocument("T1059", "T1059.004", "TA0002", 0.5)), List.of("command")));
            return v;
        }

        /** Initialises this class, that is, builds the validator. */
        static void ready() {
        }
    }

    /** YAML 1.1 implicit tags; only read after construction, so one is shared by every compilation. */
    private static final Resolver RESOLVER = new Resolver();
    private static final Pattern INTEGER_TEXT = Pattern.compile("[-+]?[0-9]{1,18}");
    private static final Pattern TECHNIQUE = Pattern.compile("T\\d{4}");
    private static final Pattern SUB_TECHNIQUE = Pattern.compile("T\\d{4}\\.\\d{3}");

    private static final String[] TOP_LEVEL_KEYS = {"rule_id", "rule_version", "name", "description",
            "applies_to", "match", "emits", "evidence_fields", "examples"};
    /** DECNET's review dates: keys of its rule format that ttp4j does not use, accepted without a warning. */
    private static final Set<String> DECNET_REVIEW_KEYS = Set.of("last_reviewed", "next_review");

    /** Thrown out of the tree walk when a file expands past the node or depth limit. */
    private static final class LimitExceeded extends RuntimeException {
        LimitExceeded(String message) {
            super(message, null, false, false);
        }
    }

    /** One compile call: all its mutable state, so that the compiler itself stays shareable. */
    private final class Compilation implements WindowCompilation.Problems {
        private final String path;
        private final byte[] content;
        private final String sha256;
        private final List<Problem> problems = new ArrayList<>();
        /** Where each bound field came from, by field path ({@code emits[0].tactic}); "" is the root. */
        private final Map<String, Node> nodes = new HashMap<>();
        /** Field paths already reported by the binder; the validator's findings there are redundant. */
        private final Set<String> reported = new HashSet<>();
        private int nodeCount;
        /** What binding gave, once the rule compiled (its problems are the result's). */
        private CompiledEntry bound;

        Compilation(RuleSource source) {
            this.path = source.path();
            this.content = source.content();
            this.sha256 = source.sha256();
        }

        CompileResult run() {
            String text = decode();
            if (text == null) {
                return result(null);
            }
            Node root;
            try {
                root = compose(text);
            } catch (MarkedYAMLException e) {
                Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
                String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
                error(at, "-", "invalid YAML: " + oneLine(e.getProblem()) + context);
                return result(null);
            } catch (YAMLException e) {
                // limits (aliases, depth, size) throw without a mark: use the last event the composer took
                error(parser == null ? null : parser.lastMark, "-", "invalid YAML: " + oneLine(e.getMessage()));
                return result(null);
            }
            catch (RuntimeException e) {
                // SnakeYAML lets a few malformed inputs escape as plain runtime exceptions (a truncated
                // escape in a double-quoted scalar gives NumberFormatException): still just invalid YAML.
                error(parser == null ? null : parser.lastMark, "-", "invalid YAML: the parser failed with " + e);
                return result(null);
            }
            if (root == null) {
                problems.add(Problem.error(path, 1, 1, "-", "the file holds no YAML document (empty or only"
                        + " comments); a rule is a mapping with rule_id, rule_version, name, applies_to, match and emits"));
                return result(null);
            }
            if (!(root instanceof MappingNode mapping)) {
                error(root, "-", "the top level must be a mapping (rule_id: ..., name: ...), found "
                        + describe(root));
                return result(null);
            }
            try {
                return result(compileRule(mapping, text));
            } catch (LimitExceeded e) {
                problems.add(Problem.error(path, 1, 1, "-", e.getMessage()));
                return result(null);
            }
        }

        private CompileResult result(CompiledRule rule) {
            problems.sort(Problem.ORDER.thenComparing(Problem::field).thenComparing(Problem::message));
            boolean anyError = problems.stream().anyMatch(Problem::isError);
            if (problems.size() > options.maxProblems()) {
                int shown = options.maxProblems() - 1;
                int hidden = problems.size() - shown;
                problems.subList(shown, problems.size()).clear();
                problems.add(anyError
                        ? Problem.error(path, 1, 1, "-", hidden + " more problems not shown")
                        : Problem.warning(path, 1, 1, "-", hidden + " more warnings not shown"));
            }
            return rule == null || anyError ? new CompileResult.Failed(problems)
                    : new CompileResult.Compiled(rule, problems);
        }

        // ---- decoding and composition ------------------------------------------------------------

        private String decode() {
            CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            ByteBuffer in = ByteBuffer.wrap(content);
            CharBuffer out = CharBuffer.allocate(content.length);
            var result = decoder.decode(in, out, true);
            if (result.isError()) {
                int bad = in.position();
                String before = new String(content, 0, bad, StandardCharsets.UTF_8);
                int line = 1 + (int) before.chars().filter(c -> c == '\n').count();
                int column = before.length() - (before.lastIndexOf('\n') + 1) + 1;
                problems.add(Problem.error(path, line, column, "-", "the file is not valid UTF-8 (byte 0x"
                        + HexFormat.of().toHexDigits(content[bad]) + " at offset " + bad + ")"));
                return null;
            }
            decoder.flush(out);
            out.flip();
            String text = out.toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        }

        private Node compose(String text) {
            LoaderOptions lo = new LoaderOptions();
            lo.setAllowDuplicateKeys(false);
            lo.setMaxAliasesForCollections(options.maxAliases());
            lo.setNestingDepthLimit(options.maxNestingDepth());
            lo.setCodePointLimit((int) Math.min(Integer.MAX_VALUE, options.maxFileBytes()));
            lo.setAllowRecursiveKeys(false);
            lo.setProcessComments(false);
            parser = new TrackingParser(new ParserImpl(new StreamReader(text), lo));
            Composer composer = new Composer(parser, RESOLVER, lo);
            return composer.getSingleNode();
        }

        private TrackingParser parser;

        // ---- binding -------------------------------------------------------------------------------

        private CompiledRule compileRule(MappingNode root, String text) {
            nodes.put("", root);
            Map<String, Node> fields = topLevel(root);
            String ruleId = string(fields.get("rule_id"), "rule_id", false);
            Long version = version(fields.get("rule_version"));
            String name = string(fields.get("name"), "name", false);
            String description = string(fields.get("description"), "description", true);
            List<String> appliesTo = strings(fields.get("applies_to"), "applies_to");
            Map<String, Object> match = mapping(fields.get("match"), "match");
            List<EmitDocument> emits = emits(fields.get("emits"));
            List<String> evidence = strings(fields.get("evidence_fields"), "evidence_fields");

            RuleDocument doc = new RuleDocument(ruleId, version, name, description, appliesTo, match, emits,
                    evidence);
            validate(doc);

            Match compiledMatch = match == null ? null : compileMatch(match, appliesTo);
            checkSubTechniques(emits);
            if (fields.containsKey("examples")) {
                runExamples(fields.get("examples"), compiledMatch, appliesTo);
            }
            if (problems.stream().anyMatch(Problem::isError)) {
                return null;
            }
            List<Emit> compiledEmits = new ArrayList<>(emits.size());
            for (EmitDocument e : emits) {
                compiledEmits.add(new Emit(e.techniqueId(), e.subTechniqueId(), e.tactic(), e.confidence()));
            }
            bound = new CompiledEntry(ruleId, (int) (long) version, name, description == null ? "" : description,
                    appliesTo, match, null, compiledEmits, evidence == null ? List.of() : evidence, List.of());
            return rule(bound, compiledMatch, text);
        }

        private CompiledRule rule(CompiledEntry b, Match compiledMatch, String text) {
            return new CompiledRule(b.ruleId(), b.ruleVersion(), b.name(), b.description(),
                    new LinkedHashSet<>(b.appliesTo()), compiledMatch, b.emits(), b.evidenceFields(), RuleState.DEFAULT,
                    path, text, sha256);
        }

        /**
         * The rule a cache entry describes, its match compiled again from the bound mapping, with the entry's
         * problems; null when the entry cannot be read or does not compile now (the caller then compiles the source).
         */
        CompileResult rebuild(byte[] entry) {
            CompiledEntry kept;
            try {
                kept = CompiledEntry.decode(entry, path, sha256, options.toString());
            } catch (IllegalArgumentException e) {
                return null;
            }
            String text = decode();
            if (text == null) {
                return null;
            }
            Match compiledMatch;
            try {
                compiledMatch = compileMatch(kept.match(), kept.appliesTo());
                if (compiledMatch == null || problems.stream().anyMatch(Problem::isError)) {
                    return null;
                }
                if (compiledMatch instanceof Match.Regex r && kept.literals() != null) {
                    compiledMatch = new Match.Regex(r.field(), r.pattern(), r.regex(),
                            new PatternLiterals(kept.literals()), r.raw());
                }
                return new CompileResult.Compiled(rule(kept, compiledMatch, text), kept.problems());
            } catch (RuntimeException e) {
                return null; // an entry whose values the binder would not have made: compiled from the source
            }
        }

        /** The top-level keys by name; duplicates are errors, unknown keys warnings. */
        private Map<String, Node> topLevel(MappingNode root) {
            Map<String, Node> fields = new HashMap<>();
            Map<String, Node> seenKeys = new HashMap<>();
            for (NodeTuple t : root.getValue()) {
                Node keyNode = t.getKeyNode();
                String key = keyText(keyNode);
                if (key == null) {
                    warning(keyNode, "-", "a key that is not a string is ignored: " + describe(keyNode));
                    continue;
                }
                if (!duplicateCheck(seenKeys, key, keyNode, key)) {
                    continue;
                }
                boolean known = false;
                for (String k : TOP_LEVEL_KEYS) {
                    if (k.equals(key) && keyNode.getTag().equals(Tag.STR)) {
                        known = true;
                        break;
                    }
                }
                if (known) {
                    fields.put(key, t.getValueNode());
                    nodes.put(key, t.getValueNode());
                } else if (!DECNET_REVIEW_KEYS.contains(key)) {
                    warning(keyNode, key, "unknown key, ignored");
                }
            }
            return fields;
        }

        /** False (and an error) when {@code key} was already seen in this mapping. */
        private boolean duplicateCheck(Map<String, Node> seen, String key, Node keyNode, String fieldPath) {
            Node first = seen.putIfAbsent(key, keyNode);
            if (first != null) {
                Mark m = first.getStartMark();
                error(keyNode, fieldPath, "duplicate key '" + key + "' (first at line " + (m.getLine() + 1)
                        + ", column " + (m.getColumn() + 1) + ")");
                reported.add(fieldPath);
                return false;
            }
            return true;
        }

        private String keyText(Node keyNode) {
            if (keyNode instanceof ScalarNode s) {
                if (s.getTag().equals(Tag.MERGE)) {
                    error(s, "-", "merge keys (<<) are not supported in rule files");
                    return null;
                }
                return s.getValue();
            }
            return null;
        }

        private String string(Node node, String field, boolean nullable) {
            if (node == null) {
                return null;
            }
            Object v = scalar(node, field);
            if (v instanceof String s) {
                return s;
            }
            if (v == null && nullable && node instanceof ScalarNode) {
                return null;
            }
            if (!reported.contains(field)) {
                typeError(node, field, "must be a string", v);
            }
            return null;
        }

        private Long version(Node node) {
            String field = "rule_version";
            if (node == null) {
                return null;
            }
            Object v = scalar(node, field);
            if (reported.contains(field)) {
                return null;
            }
            long n;
            if (v instanceof Long l) {
                n = l;
            } else if (v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
                if (Math.abs(d) > Integer.MAX_VALUE) {
                    typeError(node, field, "is too large (at most " + Integer.MAX_VALUE + ")", null);
                    return null;
                }
                n = (long) (double) d;
            } else if (v instanceof String s && INTEGER_TEXT.matcher(s.strip()).matches()) {
                n = Long.parseLong(s.strip());
            } else if (v instanceof Double d) {
                typeError(node, field, "must be a whole number, found " + d, null);
                return null;
            } else {
                typeError(node, field, "must be a whole number such as 2", v);
                return null;
            }
            if (n > Integer.MAX_VALUE) {
                typeError(node, field, "is too large (at most " + Integer.MAX_VALUE + ")", null);
                return null;
            }
            return n;
        }

        /** A list of strings; a bare scalar is an error. Elements that are not strings are bound as null. */
        private List<String> strings(Node node, String field) {
            if (node == null) {
                return null;
            }
            if (node instanceof ScalarNode s && s.getTag().equals(Tag.NULL) && !field.equals("applies_to")) {
                return List.of();
            }
            if (!(node instanceof SequenceNode seq)) {
                typeError(node, field, "must be a list of strings (write [a, b] or one '- a' per line)",
                        scalarOrShape(node, field));
                return null;
            }
            List<String> list = new ArrayList<>();
            List<Node> items = seq.getValue();
            for (int i = 0; i < items.size(); i++) {
                String itemPath = field + "[" + i + "]";
                nodes.put(itemPath, items.get(i));
                list.add(string(items.get(i), itemPath, false));
            }
            return Collections.unmodifiableList(list);
        }

        private Map<String, Object> mapping(Node node, String field) {
            if (node == null) {
                return null;
            }
            if (!(node instanceof MappingNode)) {
                typeError(node, field, "must be a mapping", scalarOrShape(node, field));
                return null;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) plain(node, field, 1);
            return map;
        }

        private List<EmitDocument> emits(Node node) {
            String field = "emits";
            if (node == null) {
                return null;
            }
            if (!(node instanceof SequenceNode seq)) {
                typeError(node, field, "must be a list of mappings (technique_id, tactic, confidence)",
                        scalarOrShape(node, field));
                return null;
            }
            List<EmitDocument> list = new ArrayList<>();
            List<Node> items = seq.getValue();
            for (int i = 0; i < items.size(); i++) {
                String itemPath = field + "[" + i + "]";
                Node item = items.get(i);
                nodes.put(itemPath, item);
                if (!(item instanceof MappingNode entry)) {
                    typeError(item, itemPath, "must be a mapping with technique_id, tactic and confidence",
                            scalarOrShape(item, itemPath));
                    list.add(null);
                    continue;
                }
                Map<String, Node> keys = new HashMap<>();
                Map<String, Node> seen = new HashMap<>();
                for (NodeTuple t : entry.getValue()) {
                    String key = keyText(t.getKeyNode());
                    if (key != null && duplicateCheck(seen, key, t.getKeyNode(), itemPath + "." + key)) {
                        keys.put(key, t.getValueNode());
                        nodes.put(itemPath + "." + key, t.getValueNode());
                    }
                }
                String technique = string(keys.get("technique_id"), itemPath + ".technique_id", false);
                String sub = string(keys.get("sub_technique_id"), itemPath + ".sub_technique_id", true);
                String tactic = string(keys.get("tactic"), itemPath + ".tactic", false);
                Double confidence = confidence(keys.get("confidence"), itemPath + ".confidence");
                list.add(new EmitDocument(technique, sub == null || sub.isEmpty() ? null : sub, tactic, confidence));
            }
            return Collections.unmodifiableList(list);
        }

        private Double confidence(Node node, String field) {
            if (node == null) {
                return null;
            }
            Object v = scalar(node, field);
            if (reported.contains(field)) {
                return null;
            }
            if (v instanceof Long || v instanceof java.math.BigInteger) {
                return ((Number) v).doubleValue();
            }
            if (v instanceof Double d && !d.isNaN()) {
                return d;
            }
            typeError(node, field, "must be a number between 0 and 1", v instanceof Double ? null : v);
            return null;
        }

        /** A scalar's value; a collection or a bad scalar is reported (null returned). */
        private Object scalar(Node node, String field) {
            if (node instanceof ScalarNode s) {
                try {
                    return YamlValues.value(s);
                } catch (YamlValues.BadScalar e) {
                    error(node, field, e.getMessage());
                    reported.add(field);
                    return null;
                }
            }
            return plain(node, field, 1);
        }

        /** Either the scalar value or the list/mapping itself, for "found ..." in type errors. */
        private Object scalarOrShape(Node node, String field) {
            if (node instanceof ScalarNode) {
                return scalar(node, field);
            }
            return node instanceof SequenceNode ? List.of() : Map.of();
        }

        /** Any node as plain, deep-immutable Java values (String, Long, BigInteger, Double, Boolean, null, List, Map). */
        private Object plain(Node node, String field, int depth) {
            if (++nodeCount > options.maxNodes()) {
                throw new LimitExceeded("the document expands to more than " + options.maxNodes()
                        + " nodes (through aliases?)");
            }
            if (depth > options.maxNestingDepth()) {
                throw new LimitExceeded("the document nests deeper than " + options.maxNestingDepth()
                        + " levels (through recursive aliases?)");
            }
            if (node instanceof ScalarNode s) {
                try {
                    return YamlValues.value(s);
                } catch (YamlValues.BadScalar e) {
                    error(node, field, e.getMessage());
                    reported.add(field);
                    return null;
                }
            }
            if (node instanceof SequenceNode seq) {
                checkCollectionTag(node, Tag.SEQ, field);
                List<Object> list = new ArrayList<>(seq.getValue().size());
                int i = 0;
                for (Node item : seq.getValue()) {
                    list.add(plain(item, field + "[" + i++ + "]", depth + 1));
                }
                return Collections.unmodifiableList(list);
            }
            MappingNode map = (MappingNode) node;
            checkCollectionTag(node, Tag.MAP, field);
            Map<String, Object> result = new LinkedHashMap<>();
            Map<String, Node> seen = new HashMap<>();
            for (NodeTuple t : map.getValue()) {
                Node keyNode = t.getKeyNode();
                String key = keyText(keyNode);
                if (key == null) {
                    if (!(keyNode instanceof ScalarNode sk && sk.getTag().equals(Tag.MERGE))) {
                        error(keyNode, field, "keys must be strings, found " + describe(keyNode));
                    }
                    reported.add(field);
                    continue;
                }
                String keyPath = field + "." + key;
                if (!keyNode.getTag().equals(Tag.STR)) {
                    error(keyNode, keyPath, "keys must be strings, found " + describe(keyNode)
                            + " (quote it: '" + key + "')");
                    reported.add(field);
                    continue;
                }
                if (duplicateCheck(seen, key, keyNode, keyPath)) {
                    nodes.putIfAbsent(keyPath, t.getValueNode());
                    result.put(key, plain(t.getValueNode(), keyPath, depth + 1));
                }
            }
            return Collections.unmodifiableMap(result);
        }

        private void checkCollectionTag(Node node, Tag expected, String field) {
            if (!node.getTag().equals(expected)) {
                error(node, field, "tag " + node.getTag().getValue() + " is not allowed (safe loading: strings,"
                        + " numbers, booleans, null, lists and mappings only)");
                reported.add(field);
            }
        }

        // ---- validation ------------------------------------------------------------------------------

        private void validate(RuleDocument doc) {
            for (ConstraintViolation<RuleDocument> v : Schema.VALIDATOR.validate(doc)) {
                String field = fieldPath(v.getPropertyPath());
                if (reported.contains(field)) {
                    continue;
                }
                Object invalid = v.getInvalidValue();
                String found = invalid instanceof String s ? ", found '" + abbreviate(s) + "'"
                        : invalid instanceof Number n ? ", found " + n : "";
                error(nodeFor(field), field, v.getMessage() + found);
            }
        }

        /** {@code emits[0].technique_id} from the validator's {@code emits[0].techniqueId}. */
        private static String fieldPath(Path propertyPath) {
            StringBuilder b = new StringBuilder();
            for (Path.Node n : propertyPath) {
                if (n.isInIterable() && n.getIndex() != null) {
                    b.append('[').append(n.getIndex()).append(']');
                }
                if (n.getKind() == ElementKind.PROPERTY) {
                    if (!b.isEmpty()) {
                        b.append('.');
                    }
                    b.append(snakeCase(n.getName()));
                }
            }
            return b.toString();
        }

        private static String snakeCase(String camel) {
            StringBuilder b = new StringBuilder(camel.length() + 4);
            for (int i = 0; i < camel.length(); i++) {
                char c = camel.charAt(i);
                if (Character.isUpperCase(c)) {
                    b.append('_').append(Character.toLowerCase(c));
                } else {
                    b.append(c);
                }
            }
            return b.toString();
        }

        /** The node a field path came from, or its nearest enclosing node (a missing key: its mapping). */
        private Node nodeFor(String field) {
            String f = field;
            while (true) {
                Node n = nodes.get(f);
                if (n != null) {
                    return n;
                }
                int cut = Math.max(f.lastIndexOf('.'), f.lastIndexOf('['));
                if (cut <= 0) {
                    return nodes.get("");
                }
                f = f.substring(0, cut);
            }
        }

        // ---- compilation -----------------------------------------------------------------------------

        private Match compileMatch(Map<String, Object> match, List<String> appliesTo) {
            if (reported.contains("match.kind") || reported.contains("match.pattern") || reported.contains("match.field")) {
                return null; // already reported (a bad tag or scalar)
            }
            Object kind = match.get("kind");
            Object pattern = match.get("pattern");
            Object field = match.get("field");
            if (kind != null && !(kind instanceof String)) {
                typeError(nodeFor("match.kind"), "match.kind", "must be a string", kind);
                return null;
            }
            if (kind instanceof String k && k.startsWith("lifter:")) {
                return new Match.Lifter(k, match);
            }
            if (match.containsKey("window")) {
                return new WindowCompilation(this, match, appliesTo).compile();
            }
            if (pattern == null) {
                if (match.containsKey("pattern")) {
                    error(nodeFor("match.pattern"), "match.pattern", "must be a string, found null");
                    return null;
                }
                warning(nodeFor("match"), "match", kind == null
                        ? "has neither pattern nor a 'lifter:' kind: the rule never fires"
                        : "kind '" + kind + "' is not a 'lifter:' kind and there is no pattern: the rule never fires");
                return new Match.None(match);
            }
            if (!(pattern instanceof String p)) {
                typeError(nodeFor("match.pattern"), "match.pattern", "must be a string (a Python regular expression)",
                        pattern);
                return null;
            }
            if (kind != null) {
                warning(nodeFor("match.kind"), "match.kind", "'" + kind + "' is not a 'lifter:' kind; ignored,"
                        + " the rule is engine-owned (it has a pattern)");
            }
            if (field != null && !(field instanceof String)) {
                typeError(nodeFor("match.field"), "match.field", "must be a string (a payload key)", field);
                return null;
            }
            if (field instanceof String f && f.isBlank()) {
                error(nodeFor("match.field"), "match.field", "must not be blank");
                return null;
            }
            if (field == null && appliesTo != null) {
                for (String sourceKind : appliesTo) {
                    if (sourceKind != null && !sourceKind.isBlank() && SourceKinds.defaultField(sourceKind) == null) {
                        error(nodeFor("match"), "match.field", "is required: source kind '" + sourceKind
                                + "' has no default field to search");
                        return null;
                    }
                }
            }
            RecentPatterns.Compiled compiled = recent.get(p);
            if (compiled == null) {
                try {
                    PythonRegex.Translation translation = PythonRegex.translateRegex(p);
                    compiled = new RecentPatterns.Compiled(PythonRegex.compile(translation, p), new PatternLiterals(p));
                } catch (PatternSyntaxException e) {
                    String where = e.getIndex() >= 0 ? " at offset " + e.getIndex() : "";
                    error(nodeFor("match.pattern"), "match.pattern", "invalid regular expression: "
                            + e.getDescription() + where + " in /" + p + "/");
                    return null;
                }
                recent.put(p, compiled);
            }
            return new Match.Regex((String) field, p, compiled.regex(), compiled.literals(), match);
        }

        @Override
        public void error(String fieldPath, String message) {
            error(nodeFor(fieldPath), fieldPath, message);
        }

        @Override
        public void warning(String fieldPath, String message) {
            warning(nodeFor(fieldPath), fieldPath, message);
        }

        @Override
        public String show(Object value) {
            return describeValue(value);
        }

        @Override
        public Pattern pythonRegex(String p, String fieldPath) {
            try {
                return PythonRegex.compile(p);
            } catch (PatternSyntaxException e) {
                String where = e.getIndex() >= 0 ? " at offset " + e.getIndex() : "";
                error(nodeFor(fieldPath), fieldPath, "invalid regular expression: "
                        + e.getDescription() + where + " in /" + p + "/");
                return null;
            }
        }

        private void checkSubTechniques(List<EmitDocument> emits) {
            if (emits == null) {
                return;
            }
            for (int i = 0; i < emits.size(); i++) {
                EmitDocument e = emits.get(i);
                if (e == null || e.techniqueId() == null || e.subTechniqueId() == null) {
                    continue;
                }
                String field = "emits[" + i + "].sub_technique_id";
                if (SUB_TECHNIQUE.matcher(e.subTechniqueId()).matches() && TECHNIQUE.matcher(e.techniqueId()).matches()
                        && !e.subTechniqueId().startsWith(e.techniqueId() + ".")) {
                    error(nodeFor(field), field, "'" + e.subTechniqueId() + "' is not a sub-technique of "
                            + e.techniqueId() + " (expected " + e.techniqueId() + ".NNN)");
                }
            }
        }

        // ---- self-tests --------------------------------------------------------------------------------

        private void runExamples(Node node, Match match, List<String> appliesTo) {
            if (!(node instanceof MappingNode examples)) {
                typeError(node, "examples", "must be a mapping with match: and no_match: lists",
                        scalarOrShape(node, "examples"));
                return;
            }
            Map<String, Node> seen = new HashMap<>();
            Map<String, Node> lists = new LinkedHashMap<>();
            for (NodeTuple t : examples.getValue()) {
                String key = keyText(t.getKeyNode());
                if (key == null || !duplicateCheck(seen, key, t.getKeyNode(), "examples." + key)) {
                    continue;
                }
                if (key.equals("match") || key.equals("no_match")) {
                    lists.put(key, t.getValueNode());
                } else {
                    warning(t.getKeyNode(), "examples." + key, "unknown key, ignored (examples has match and no_match)");
                }
            }
            ExampleTarget regex = match instanceof Match.Regex r ? new ExampleTarget(r, exampleField(r, appliesTo)) : null;
            if (match != null && regex == null) {
                warning(node, "examples", "ignored: the rule is not engine-owned (it has no pattern)");
            }
            for (var e : lists.entrySet()) {
                boolean shouldMatch = e.getKey().equals("match");
                String listPath = "examples." + e.getKey();
                if (!(e.getValue() instanceof SequenceNode seq)) {
                    typeError(e.getValue(), listPath, "must be a list of examples", scalarOrShape(e.getValue(), listPath));
                    continue;
                }
                for (int i = 0; i < seq.getValue().size(); i++) {
                    Node item = seq.getValue().get(i);
                    String itemPath = listPath + "[" + i + "]";
                    Object value = plain(item, itemPath, 2);
                    if (!(value instanceof String) && !(value instanceof Map)) {
                        typeError(item, itemPath, "must be a string (the default field's value) or a mapping of"
                                + " payload fields", value);
                        continue;
                    }
                    if (regex != null && regex.field != null) {
                        checkExample(regex, value, shouldMatch, item, itemPath);
                    }
                }
            }
        }

        /** The field an example is searched in: the rule's, or the first default field of its kinds. */
        private static String exampleField(Match.Regex r, List<String> appliesTo) {
            if (r.field() != null) {
                return r.field();
            }
            if (appliesTo != null) {
                for (String kind : appliesTo) {
                    String f = kind == null ? null : SourceKinds.defaultField(kind);
                    if (f != null) {
                        return f;
                    }
                }
            }
            return null;
        }

        /** The compiled pattern an example is searched with, and the payload field it searches. */
        private record ExampleTarget(Match.Regex match, String field) {}

        private void checkExample(ExampleTarget regex, Object example, boolean shouldMatch, Node node, String field) {
            String text = example instanceof String s ? s
                    : ((Map<?, ?>) example).get(regex.field()) instanceof String s ? s : null;
            int start = -1;
            int end = -1;
            if (text != null) {
                Matcher m = regex.match().regex().matcher(new BudgetedText(text, options.exampleStepBudget()));
                try {
                    if (m.find()) {
                        start = m.start();
                        end = m.end();
                    }
                } catch (BudgetedText.Exhausted e) {
                    error(node, field, "evaluating this example took more than " + options.exampleStepBudget()
                            + " steps: the pattern backtracks catastrophically on it");
                    return;
                }
            }
            String shown = example instanceof String ? "'" + abbreviate(text) + "'"
                    : "{" + regex.field() + ": " + (text == null ? "<no string value>" : "'" + abbreviate(text) + "'") + "}";
            if (shouldMatch && start < 0) {
                error(node, field, "example " + shown + " does not match the pattern (searched field '"
                        + regex.field() + "')");
            } else if (!shouldMatch && start >= 0) {
                error(node, field, "example " + shown + " matches the pattern at " + start + ".." + end + " ('"
                        + abbreviate(text.substring(start, end)) + "') but is listed under no_match");
            }
        }

        // ---- problems ----------------------------------------------------------------------------------

        private void typeError(Node node, String field, String expectation, Object found) {
            String suffix = found == null ? (node instanceof ScalarNode s && s.getTag().equals(Tag.NULL) ? ", found null" : "")
                    : ", found " + describeValue(found);
            error(node, field, expectation + suffix);
            reported.add(field);
        }

        private void error(Node node, String field, String message) {
            error(node == null ? null : node.getStartMark(), field, message);
        }

        private void error(Mark at, String field, String message) {
            int line = at == null ? 1 : at.getLine() + 1;
            int column = at == null ? 1 : at.getColumn() + 1;
            problems.add(Problem.error(path, line, column, oneLine(field), oneLine(message)));
        }

        private void warning(Node node, String field, String message) {
            Mark at = node == null ? null : node.getStartMark(); // null when rebuilding from a cache entry
            problems.add(Problem.warning(path, at == null ? 1 : at.getLine() + 1, at == null ? 1 : at.getColumn() + 1,
                    oneLine(field), oneLine(message)));
        }
    }

    private static String describe(Node node) {
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        ScalarNode s = (ScalarNode) node;
        try {
            return describeValue(YamlValues.value(s));
        } catch (YamlValues.BadScalar e) {
            return "'" + abbreviate(s.getValue()) + "'";
        }
    }

    private static String describeValue(Object value) {
        if (value instanceof String s) {
            return "a string '" + abbreviate(s) + "'";
        }
        if (value == null || value instanceof java.util.List || value instanceof Map) {
            return YamlValues.typeName(value);
        }
        return YamlValues.typeName(value) + " " + value;
    }

    private static String abbreviate(String s) {
        String one = oneLine(s);
        return one.length() <= 80 ? one : one.substring(0, 77) + "...";
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                        ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return b.toString();
    }

    /** A parser that remembers where the last event it handed out started, for errors that carry no mark. */
    private static final class TrackingParser implements Parser {
        private final Parser delegate;
        Mark lastMark;

        TrackingParser(Parser delegate) {
            this.delegate = delegate;
        }

        @Override
        public boolean checkEvent(Event.ID choice) {
            return delegate.checkEvent(choice);
        }

        @Override
        public Event peekEvent() {
            return delegate.peekEvent();
        }

        @Override
        public Event getEvent() {
            Event e = delegate.getEvent();
            if (e != null) {
                lastMark = e.getStartMark();
            }
            return e;
        }
    }

    /** Text whose reads are counted, so that a backtracking pattern cannot hang compilation. */
    private static final class BudgetedText implements CharSequence {
        static final class Exhausted extends RuntimeException {
            Exhausted() {
                super(null, null, false, false);
            }
        }

        private final String text;
        private final long[] budget;

        BudgetedText(String text, long budget) {
            this(text, new long[] {budget});
        }

        private BudgetedText(String text, long[] budget) {
            this.text = text;
            this.budget = budget;
        }

        @Override
        public char charAt(int index) {
            if (--budget[0] < 0) {
                throw new Exhausted();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new BudgetedText(text.substring(start, end), budget);
        }

        @Override
        public String toString() {
            return text;
        }
    }

}
