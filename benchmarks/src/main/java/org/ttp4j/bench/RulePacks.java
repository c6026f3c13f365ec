package org.ttp4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.ttp4j.rule.CompileResult;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.RuleCompiler;
import org.ttp4j.rule.RuleFileNames;

/**
 * Rule packs for the engine benchmarks, all compiled from YAML text by the real {@link RuleCompiler}:
 * 23 rules written like real packs, 23 easier DECNET-style ones, generated packs of any size, and our own pack
 * from a directory.
 */
final class RulePacks {
    private RulePacks() {}

    private static final RuleCompiler COMPILER = new RuleCompiler();

    /** {rule id, kind, Python pattern, technique, sub-technique or "", tactic}. */
    static final String[][] DECNET_STYLE = {
        {"R0001", "command", "(?i)\\b(wget|curl)\\s+(-[a-zA-Z]+\\s+)*https?://", "T1105", "", "TA0011"},
        {"R0002", "command", "(?i)\\bchmod\\s+(\\+x|[0-7]{3,4})\\s", "T1222", "T1222.002", "TA0005"},
        {"R0003", "command", "cat\\s+/etc/(passwd|shadow|group)", "T1003", "T1003.008", "TA0006"},
        {"R0004", "command", "(?i)\\b(nc|ncat|netcat)\\b.*\\s-e\\s", "T1059", "T1059.004", "TA0002"},
        {"R0005", "command", "bash\\s+-i\\s+>&\\s*/dev/tcp/", "T1059", "T1059.004", "TA0002"},
        {"R0006", "command", "(?i)base64\\s+(-d|--decode)", "T1140", "", "TA0005"},
        {"R0007", "command", "\\b(uname\\s+-a|cat\\s+/proc/version)\\b", "T1082", "", "TA0007"},
        {"R0008", "command", "(?i)\\b(whoami|id)\\s*$", "T1033", "", "TA0007"},
        {"R0009", "command", "crontab\\s+-[el]|/etc/cron", "T1053", "T1053.003", "TA0003"},
        {"R0010", "command", ">>\\s*~?/?(root/)?\\.ssh/authorized_keys", "T1098", "T1098.004", "TA0003"},
        {"R0011", "command", "(?i)(xmrig|minerd|stratum\\+tcp://)", "T1496", "", "TA0040"},
        {"R0012", "command", "(?i)\\bhistory\\s+-c\\b|unset\\s+HISTFILE", "T1070", "T1070.003", "TA0005"},
        {"R0013", "command", "python[23]?\\s+-c\\s+['\"]import\\s+(socket|pty)", "T1059", "T1059.006", "TA0002"},
        {"R0014", "command", "\\b(sudo\\s+-l|cat\\s+/etc/sudoers)\\b", "T1548", "T1548.003", "TA0004"},
        {"R0015", "command", "(?i)\\b(iptables\\s+-F|ufw\\s+disable|systemctl\\s+stop\\s+firewalld)", "T1562",
            "T1562.004", "TA0005"},
        {"R0016", "command", "/tmp/\\.[a-z0-9]+", "T1564", "T1564.001", "TA0005"},
        {"R0017", "command", "(?i)\\brm\\s+-rf\\s+/var/log", "T1070", "T1070.002", "TA0005"},
        {"R0018", "http_request", "\\${[^}]*}", "T1190", "", "TA0001"},
        {"R0019", "http_request", "(?i)(\\.\\./|%2e%2e%2f|%2e%2e/)", "T1190", "", "TA0001"},
        {"R0020", "http_request", "(?i)(union(\\s|%20|\\+)+select|'\\s*or\\s*'1'\\s*=\\s*'1)", "T1190", "", "TA0001"},
        {"R0021", "http_request", "(?i)/(wp-login\\.php|xmlrpc\\.php|wp-admin)", "T1595", "T1595.003", "TA0043"},
        {"R0022", "http_request", "(?i)/(\\.env|\\.git/config|config\\.php\\.bak)", "T1552", "T1552.001", "TA0006"},
        {"R0023", "http_request", "(?i)(cmd|exec|system)=.*(;|%3b|\\|)", "T1059", "", "TA0002"},
    };

    /**
     * 23 command/http rules written the way real packs are: short alternations of common words under {@code \\b},
     * {@code .*} gaps between them, {@code (?i)}. Their literals ("ls", "id", "cat") occur in everyday commands,
     * so the prefilter passes many events to the regex: this pack, not {@link #DECNET_STYLE}, is the fair one.
     */
    static final String[][] REAL_STYLE = {
        {"R0101", "command", "(?i)\\b(cat|less|more|head|tail)\\b.*\\b(passwd|shadow|group)\\b", "T1003", "T1003.008",
            "TA0006"},
        {"R0102", "command", "(?i)\\b(wget|curl|fetch)\\b.*\\b(https?|ftp)://", "T1105", "", "TA0011"},
        {"R0103", "command", "\\b(id|whoami|w|who|users)\\b\\s*($|;|&&|\\|)", "T1033", "", "TA0007"},
        {"R0104", "command", "(?i)\\b(uname|hostname|lscpu|nproc)\\b.*-\\w*a", "T1082", "", "TA0007"},
        {"R0105", "command", "\\b(nc|ncat|netcat)\\b.*\\s-(e|c)\\s", "T1059", "T1059.004", "TA0002"},
        {"R0106", "command", "(?i)\\bchmod\\b.*(\\+x|\\b7[0-7]{2})\\b", "T1222", "T1222.002", "TA0005"},
        {"R0107", "command", "\\b(ps|top|htop)\\b.*\\b(aux|-ef|-eo)\\b", "T1057", "", "TA0007"},
        {"R0108", "command", "(?i)\\b(history|unset)\\b.*(-c\\b|HISTFILE)", "T1070", "T1070.003", "TA0005"},
        {"R0109", "command", "\\b(crontab|cron)\\b.*(-e|-l|/etc/cron)", "T1053", "T1053.003", "TA0003"},
        {"R0110", "command", "(?i)\\b(base64|xxd|openssl)\\b.*(-d|--decode|enc)\\b", "T1140", "", "TA0005"},
        {"R0111", "command", "\\b(rm|shred)\\b.*\\s-(rf|fr|f)\\b.*(/tmp|/var/log)", "T1070", "T1070.004", "TA0005"},
        {"R0112", "command", "(?i)\\b(sudo|su)\\b\\s+(-l|-s|-i|root)\\b", "T1548", "T1548.003", "TA0004"},
        {"R0113", "command", "(?i)\\b(find|locate)\\b.*(-perm|-name|-user)\\b", "T1083", "", "TA0007"},
        {"R0114", "command", "\\b(iptables|ufw|systemctl)\\b.*\\b(stop|disable|-F)\\b", "T1562", "T1562.004", "TA0005"},
        {"R0115", "command", "(?i)\\b(python|perl|ruby)[0-9.]*\\b.*\\s-(c|e)\\b", "T1059", "T1059.006", "TA0002"},
        {"R0116", "command", "(?i)\\b(ssh|scp|cat|echo)\\b.*(authorized_keys|id_rsa)", "T1098", "T1098.004", "TA0003"},
        {"R0117", "command", "(?i)\\b(useradd|adduser|usermod|chpasswd)\\b", "T1136", "T1136.001", "TA0003"},
        {"R0118", "http_request", "(?i)(\\.\\./|%2e%2e)", "T1190", "", "TA0001"},
        {"R0119", "http_request", "(?i)\\b(union|select|insert|drop)\\b.*\\b(from|into|table|select)\\b", "T1190", "",
            "TA0001"},
        {"R0120", "http_request", "(?i)\\$\\{.*(jndi|lower|upper|env).*\\}", "T1190", "", "TA0001"},
        {"R0121", "http_request", "(?i)/(wp-login|wp-admin|xmlrpc)\\b", "T1595", "T1595.003", "TA0043"},
        {"R0122", "http_request", "(?i)\\b(cmd|exec|system|eval)=", "T1059", "", "TA0002"},
        {"R0123", "http_request", "(?i)/\\.(env|git|svn|htaccess)\\b", "T1552", "T1552.001", "TA0006"},
    };

    static String yaml(String id, int version, String kind, String pattern, String technique, String sub,
                       String tactic) {
        return "rule_id: " + id + "\n"
                + "rule_version: " + version + "\n"
                + "name: benchmark rule " + id + "\n"
                + "applies_to: [" + kind + "]\n"
                + "match:\n"
                + "  pattern: '" + pattern.replace("'", "''") + "'\n"
                + "emits:\n"
                + "  - technique_id: " + technique + "\n"
                + (sub.isEmpty() ? "" : "    sub_technique_id: " + sub + "\n")
                + "    tactic: " + tactic + "\n"
                + "    confidence: 0.7\n"
                + "evidence_fields: [" + (kind.equals("command") ? "command_text" : "raw_url") + "]\n";
    }

    static CompiledRule compile(String id, String yaml) {
        CompileResult r = COMPILER.compile("bench/" + id + ".yaml", yaml.getBytes(StandardCharsets.UTF_8));
        if (r instanceof CompileResult.Compiled c) {
            return c.rule();
        }
        throw new IllegalStateException("benchmark rule " + id + " does not compile: " + r.problems());
    }

    static List<CompiledRule> decnetStyle() {
        return of(DECNET_STYLE);
    }

    static List<CompiledRule> realStyle() {
        return of(REAL_STYLE);
    }

    private static List<CompiledRule> of(String[][] table) {
        List<CompiledRule> rules = new ArrayList<>();
        for (String[] r : table) {
            rules.add(compile(r[0], yaml(r[0], 1, r[1], r[2], r[3], r[4], r[5])));
        }
        return rules;
    }

    private static final String[] TOOLS = {"masscan", "nmap", "hydra", "medusa", "sqlmap", "nikto", "gobuster",
        "chisel", "socat", "frpc", "ngrok", "mimikatz", "linpeas", "pspy", "tcpdump", "ettercap", "john", "hashcat",
        "proxychains", "responder", "kworkerd", "watchbog", "kinsing", "tsunami", "mirai", "gafgyt", "xorddos"};
    private static final String[] VERBS = {"install", "download", "exec", "run", "start", "load", "drop", "fetch"};
    private static final String[] PATHS = {"/opt", "/usr/local/bin", "/var/tmp", "/dev/shm", "/etc/init.d", "/lib"};

    /** {@code n} distinct rules, about 70% command and 30% http_request, in the style of the DECNET ones. */
    static List<CompiledRule> generated(int n, long seed) {
        Random r = new Random(seed);
        List<CompiledRule> rules = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            String id = String.format("G%05d", k);
            boolean http = r.nextInt(10) < 3;
            String tool = TOOLS[r.nextInt(TOOLS.length)];
            String pattern = switch (r.nextInt(100) / 20) {
                case 0 -> "(?i)\\b" + tool + k + "\\s+-" + (char) ('a' + r.nextInt(26));
                case 1 -> PATHS[r.nextInt(PATHS.length)] + "/\\." + tool + "[_-]?" + k;
                case 2 -> "(?i)(" + VERBS[r.nextInt(VERBS.length)] + "|" + VERBS[r.nextInt(VERBS.length)] + ")[_-]"
                        + tool + "\\.(sh|py|bin)\\?v=" + k;
                case 3 -> http ? "(?i)/api/v[0-9]+/" + tool + "/" + k + "/(debug|admin|exec)"
                               : "echo\\s+[A-Za-z0-9+/=]{8,}\\s*\\|\\s*" + tool + k;
                default -> r.nextInt(100) < 5
                        ? "\\b\\d{1,3}(\\.\\d{1,3}){3}:" + (1000 + k) + "\\b" // IP:port: literal is the port number
                        : "(?i)" + tool + "\\s+--" + VERBS[r.nextInt(VERBS.length)] + "=" + k;
            };
            if (r.nextInt(100) == 0) {
                pattern = "^\\s*[a-z]{" + (3 + k % 5) + "}\\s+\\d{" + (6 + k % 7) + "}$"; // no literal: always runs
            }
            rules.add(compile(id, yaml(id, 1, http ? "http_request" : "command", pattern, "T1059", "T1059.004",
                    "TA0002")));
        }
        return rules;
    }

    /** Every rule file of a directory (our pack, {@code rules/ttp/}). */
    static List<CompiledRule> directory(Path dir) throws IOException {
        List<CompiledRule> rules = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                if (!RuleFileNames.matches(f.getFileName().toString())) {
                    continue;
                }
                if (COMPILER.compile(f) instanceof CompileResult.Compiled c) {
                    rules.add(c.rule());
                }
            }
        }
        return rules;
    }
}
