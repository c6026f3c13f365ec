package org.ttp4j.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ttp4j.rule.CompileResult;
import org.ttp4j.rule.Problem;
import org.ttp4j.rule.RuleSource;

/**
 * What {@code validate} learnt of a rule file, kept by the file's path and bytes and the build that judged it
 * (docs/cli.md §12, {@link BuildCache}): a file unchanged since the last check is not compiled again. The directory
 * is {@code TTP4J_VALIDATE_CACHE} (unset or {@code off}: no cache); an entry is a few lines of text.
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

    static final String VARIABLE = "TTP4J_VALIDATE_CACHE";
    private static final String FORMAT = "ttp4j validate cache 1";

    private final BuildCache entries;

    private VerdictCache(BuildCache entries) {
        this.entries = entries;
    }

    /** The cache {@code TTP4J_VALIDATE_CACHE} names for this build, or null when there is none. */
    static VerdictCache fromEnvironment(Map<String, String> env) {
        BuildCache entries = BuildCache.fromEnvironment(env, VARIABLE, FORMAT);
        return entries == null ? null : new VerdictCache(entries);
    }

    /** True when {@code TTP4J_VALIDATE_CACHE} asks for a cache (whether this build can keep one or not). */
    static boolean requested(Map<String, String> env) {
        return BuildCache.requested(env, VARIABLE);
    }

    /** The verdict on {@code source} (its path and bytes): the kept one, else {@code compile}'s, then kept. */
    Verdict judge(RuleSource source, java.util.function.Function<RuleSource, CompileResult> compile) {
        String key = BuildCache.key(source.path(), source.sha256());
        byte[] entry = entries.read(key);
        Verdict kept = entry == null ? null : read(new String(entry, StandardCharsets.UTF_8), source.path());
        if (kept != null) {
            return kept;
        }
        Verdict fresh = Verdict.of(compile.apply(source));
        entries.write(key, text(fresh).getBytes(StandardCharsets.UTF_8));
        return fresh;
    }

    /** The kept verdict in {@code entry} with its problems on {@code path}, or null when there is none to trust. */
    private static Verdict read(String entry, String path) {
        List<String> lines = entry.lines().toList();
        try {
            if (lines.size() < 3 || !lines.get(0).equals(FORMAT) || !lines.get(lines.size() - 1).equals("end")
                    || !entry.endsWith("\n")) {
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

    private static String text(Verdict verdict) {
        StringBuilder text = new StringBuilder(FORMAT).append('\n');
        text.append(verdict.ruleId() == null ? "" : escape(verdict.ruleId())).append('\n');
        text.append(verdict.ruleIdLine()).append('\n');
        for (Problem p : verdict.problems()) {
            text.append(p.severity()).append('\t').append(p.line()).append('\t').append(p.column()).append('\t')
                    .append(escape(p.field())).append('\t').append(escape(p.message())).append('\n');
        }
        return text.append("end\n").toString();
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
