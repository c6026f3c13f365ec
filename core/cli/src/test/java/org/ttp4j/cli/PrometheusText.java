package org.ttp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Parses a {@code /metrics} body with the Prometheus project's own text parser (Python's
 * {@code prometheus_client.parser}, Debian's python3-prometheus-client): a sample per line
 * {@code name{k="v",...}} (labels sorted) to its value. Without the parser the test is skipped, unless CI is set.
 */
final class PrometheusText {
    private PrometheusText() {}

    private static final String SCRIPT = String.join("\n",
            "import sys",
            "from prometheus_client.parser import text_string_to_metric_families as parse",
            "for family in parse(sys.stdin.read()):",
            "    for s in family.samples:",
            "        labels = ','.join('%s=\"%s\"' % (k, s.labels[k]) for k in sorted(s.labels))",
            "        print('%s{%s}\\t%r' % (s.name, labels, s.value))");

    // Debian's interpreter, where the Debian package installs (a pyenv or venv python3 on PATH would not see it)
    private static final String PYTHON = java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/python3"))
            ? "/usr/bin/python3" : "python3";

    static Map<String, Double> parse(String text) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(PYTHON, "-c", "import prometheus_client").start();
            assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 || System.getenv("CI") != null,
                    "python3-prometheus-client is not installed (apt-get install python3-prometheus-client)");
        } catch (java.io.IOException e) {
            assumeTrue(System.getenv("CI") != null, "python3 is not installed");
        }
        p = new ProcessBuilder(PYTHON, "-c", SCRIPT).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "the Prometheus parser rejected /metrics:\n" + out + "\n---\n" + text);
        Map<String, Double> samples = new TreeMap<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                int tab = line.lastIndexOf('\t');
                samples.put(line.substring(0, tab), Double.valueOf(line.substring(tab + 1)));
            }
        }
        return samples;
    }
}
