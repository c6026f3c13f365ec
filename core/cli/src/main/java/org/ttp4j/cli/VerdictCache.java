package org.ttp4j.cli;

import java.io.IOException;
import java.lang.module.ResolvedModule;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.ttp4j.rule.CompileResult;
import org.ttp4j.rule.Problem;
import org.ttp4j.rule.RuleCompiler;
import org.ttp4j.rule.RuleSource;

/**
 * What {@code validate} learnt of a rule file, kept by the file's path and bytes and the build that judged it
 * (docs/cli.md §12): the same bytes under the same path, judged by the same jars on the same JVM, give the same
 * problems, so a file unchanged since the last check is not compiled again. The directory is
 * {@code TTP4J_VALIDATE_CACHE} (unset or {@code off}: no cache). The build is the SHA-256 of the JVM's version,
 * home and default locale, the compiler's limits, and every module on the module path: its name and location, and
 * the size and time of its jar or of each file of its directory of classes (a build tree); on the class path there
 * is no cache. Entries are one small file each under a directory per build ({@code ttp4j-build-HEX}); the first
 * entry of a new build removes the other builds' directories, and nothing else. A cache that cannot be read or
 * written is passed over: it only ever saves time. Its entries are trusted: the directory is the user's own.
 */
final class VerdictCache {

    /** What judging one file gave: its rule id (null when it did not compile), that id's line, its problems. */
    record Verdict(String ruleId, int ruleIdLine, List<Problem> problems) {

        static Verdict of(CompileResult result) {
            if (result instanceof CompileResult.Compiled c) {
                return new Verdict(c.rule().ruleId(), ValidateCommand.ruleIdLine(c.rule().yaml()), result.problems());
            }
            return new Verdict(null, 1, result.problems());
        }
    }

    private static final String FORMAT = "ttp4j validate cache 1";
    /** The prefix of a build's directory: only such directories are ever removed. */
    private static final String BUILD = "ttp4j-build-";

    private final Path dir;
    private boolean prepared; // guarded by this

    private VerdictCache(Path dir) {
        this.dir = dir;
    }

    /** The cache {@code TTP4J_VALIDATE_CACHE} names for this build, or null when there is none. */
    static VerdictCache fromEnvironment(Map<String, String> env) {
        if (!requested(env)) {
            return null;
        }
        String build = build();
        return build == null ? null : new VerdictCache(Path.of(env.get("TTP4J_VALIDATE_CACHE")).resolve(BUILD + build));
    }

    /** True when {@code TTP4J_VALIDATE_CACHE} asks for a cache (whether this build can keep one or not). */
    static boolean requested(Map<String, String> env) {
        String setting = env.get("TTP4J_VALIDATE_CACHE");
        return setting != null && !setting.isBlank() && !setting.equals("off");
    }

    /** The verdict on {@code source} (its path and bytes): the kept one, else {@code compile}'s, then kept. */
    Verdict judge(RuleSource source, java.util.function.Function<RuleSource, CompileResult> compile) {
        Path entry = dir.resolve(key(source));
        Verdict kept = read(entry, source.path());
        if (kept != null) {
            return kept;
        }
        Verdict fresh = Verdict.of(compile.apply(source));
        write(entry, fresh);
        return fresh;
    }

    private static String key(RuleSource source) {
        MessageDigest sha = sha256();
        sha.update(source.path().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(source.sha256().getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The kept verdict in {@code entry} with its problems on {@code path}, or null when there is none to trust. */
    private static Verdict read(Path entry, String path) {
        List<String> lines;
        try {
            lines = Files.readAllLines(entry, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
        try {
            if (lines.size() < 3 || !lines.get(0).equals(FORMAT) || !lines.get(lines.size() - 1).equals("end")) {
                return null; // not ours, or cut short
            }
            String id = lines.get(1).isEmpty() ? null : unescape(lines.get(1));
            int idLine = Integer.parseInt(lines.get(2));
            List<Problem> problems = new ArrayList<>();
            for (String line : lines.subList(3, lines.size() - 1)) {
                String[] f = line.split("\t", -1);
                if (f.length != 5) {
                    return null;
                }
                problems.add(new Problem(path, Integer.parseInt(f[1]), Integer.parseInt(f[2]), unescape(f[3]),
                        unescape(f[4]), Problem.Severity.valueOf(f[0])));
            }
            return new Verdict(id, idLine, List.copyOf(problems));
        } catch (RuntimeException e) {
            return null; // a damaged entry: judged again
        }
    }

    private void write(Path entry, Verdict verdict) {
        StringBuilder text = new StringBuilder(FORMAT).append('\n');
        text.append(verdict.ruleId() == null ? "" : escape(verdict.ruleId())).append('\n');
        text.append(verdict.ruleIdLine()).append('\n');
        for (Problem p : verdict.problems()) {
            text.append(p.severity()).append('\t').append(p.line()).append('\t').append(p.column()).append('\t')
                    .append(escape(p.field())).append('\t').append(escape(p.message())).append('\n');
        }
        text.append("end\n");
        try {
            prepareDirectory();
            Path scratch = Files.createTempFile(dir, ".entry", ".tmp");
            try {
                Files.writeString(scratch, text, StandardCharsets.UTF_8);
                Files.move(scratch, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(scratch);
            }
        } catch (IOException | RuntimeException e) {
            // not kept: the next check judges the file again
        }
    }

    /** Creates this build's directory, and on its creation removes the other builds' (once, whatever the threads). */
    private synchronized void prepareDirectory() throws IOException {
        if (!prepared) {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                try {
                    removeOtherBuilds();
                } catch (IOException | RuntimeException e) {
                    // another process cleaning up too: what is left goes next time
                }
            }
            prepared = true;
        }
    }

    /** Removes the directories of other builds beside this one's (their entries can never be read again). */
    private void removeOtherBuilds() throws IOException {
        Path parent = dir.getParent();
        try (Stream<Path> builds = Files.list(parent)) {
            for (Path other : builds.filter(p -> !p.equals(dir) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                    && p.getFileName().toString().matches(BUILD + "[0-9a-f]{64}")).toList()) {
                try (Stream<Path> walk = Files.walk(other)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    /** The build's fingerprint, or null when a module on the path cannot be read. */
    private static String build() {
        if (!VerdictCache.class.getModule().isNamed() || !RuleCompiler.class.getModule().isNamed()) {
            return null; // on the class path: its entries are not stamped here
        }
        MessageDigest sha = sha256();
        StringBuilder text = new StringBuilder(FORMAT).append('\n')
                .append(System.getProperty("java.home")).append('\n')
                .append(System.getProperty("java.vm.version")).append('\n')
                .append(java.util.Locale.getDefault()).append('\n')
                .append(RuleCompiler.Options.DEFAULTS).append('\n');
        List<ResolvedModule> modules = new ArrayList<>(ModuleLayer.boot().configuration().modules());
        modules.sort(Comparator.comparing(ResolvedModule::name));
        for (ResolvedModule m : modules) {
            URI location = m.reference().location().orElse(null);
            if (location == null || !"file".equals(location.getScheme())) {
                continue; // the JDK's own (jrt:), versioned by the JVM above
            }
            try {
                Path module = Path.of(location);
                text.append(m.name()).append(' ').append(module).append('\n');
                if (Files.isDirectory(module)) { // classes in a directory (a build tree): each file's size and time
                    try (Stream<Path> files = Files.walk(module)) {
                        for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                            stamp(text.append(module.relativize(f)), f);
                        }
                    }
                } else {
                    stamp(text, module);
                }
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
        return HexFormat.of().formatHex(sha.digest(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static void stamp(StringBuilder text, Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        text.append(' ').append(a.size()).append(' ').append(a.lastModifiedTime().toMillis()).append('\n');
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /** One line, one tab-separated field: backslash, tab, CR and LF escaped. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = s.charAt(++i);
            b.append(switch (e) {
                case 't' -> '\t';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case '\\' -> '\\';
                default -> throw new IllegalArgumentException("bad escape \\" + e);
            });
        }
        return b.toString();
    }
}
