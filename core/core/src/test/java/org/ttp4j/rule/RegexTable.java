package org.ttp4j.rule;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The differential regex table {@code regex-table.tsv}: (group, Python pattern, input, expected) rows whose
 * expected column Python's own {@code re.search} computed ({@code core/core/src/test/python/regex_table.py}).
 */
public final class RegexTable {
    private RegexTable() {}

    /** One row; {@code pattern} and {@code input} are unescaped, {@code expected} is as written. */
    public record Case(int line, String group, String pattern, String input, String expected) {}

    /** Every row of the table, in file order. */
    public static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = RegexTable.class.getResourceAsStream("regex-table.tsv");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length != 4) {
                    throw new IllegalStateException("regex-table.tsv:" + n + ": expected 4 tab-separated fields, found " + f.length);
                }
                cases.add(new Case(n, f[0], unescape(f[1]), unescape(f[2]), f[3]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    /** The table's escapes: backslash, tab, newline, carriage return, uXXXX. */
    public static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case '\\' -> b.append('\\');
                case 't' -> b.append('\t');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 'u' -> {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> throw new IllegalArgumentException("bad escape in table: " + s);
            }
        }
        return b.toString();
    }
}
