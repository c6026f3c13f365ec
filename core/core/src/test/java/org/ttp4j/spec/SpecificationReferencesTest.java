package org.ttp4j.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The repository carries its own specification in {@code docs/} (see docs/README.md): every {@code docs/FILE.md §N}
 * cited anywhere in the tree names a file and a section that exist, and nothing cites a document outside it.
 */
class SpecificationReferencesTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final Path DOCS = ROOT.resolve("docs");
    private static final Set<String> SKIPPED_DIRS = Set.of("target", "node_modules", "bench-results");
    private static final Set<String> TEXT = Set.of("java", "md", "py", "sql", "xml", "yaml", "yml", "properties", "sh", "");

    /** {@code docs/stores.md §7}, {@code `docs/cli.md` §3, §5}, {@code docs/stores.md §7-§10}, {@code docs/rules.md section 6}. */
    private static final Pattern CITATION = Pattern.compile(
            "docs/([a-z]+)\\.md`?(?: (?:§|section )(\\d+)((?:(?:-|, )§\\d+)*))?");
    private static final Pattern MORE = Pattern.compile("§(\\d+)");
    private static final Pattern HEADING = Pattern.compile("(?m)^## §(\\d+) ");

    private static Map<String, String> docs;
    private static Map<Path, String> tree;

    @BeforeAll
    static void read() throws IOException {
        docs = new TreeMap<>();
        try (Stream<Path> files = Files.list(DOCS)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".md")).toList()) {
                docs.put(p.getFileName().toString().replace(".md", ""), Files.readString(p));
            }
        }
        tree = new TreeMap<>();
        Files.walkFileTree(ROOT, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(Path dir, java.nio.file.attribute.BasicFileAttributes a) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                return !dir.equals(ROOT) && (name.startsWith(".") && !name.equals(".ci") || SKIPPED_DIRS.contains(name))
                        ? java.nio.file.FileVisitResult.SKIP_SUBTREE : java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes a) throws IOException {
                String name = file.getFileName().toString();
                String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
                if (a.isRegularFile() && a.size() < 1 << 20 && TEXT.contains(ext)) {
                    try {
                        tree.put(ROOT.relativize(file), Files.readString(file));
                    } catch (MalformedInputException binary) {
                        // not text
                    }
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
    }

    @Test
    void theIndexListsEverySpecificationFile() {
        assertTrue(docs.containsKey("README"), "docs/README.md");
        for (String name : docs.keySet()) {
            if (!name.equals("README")) {
                assertTrue(docs.get("README").contains("](" + name + ".md)"), "docs/README.md lists " + name + ".md");
            }
        }
    }

    @Test
    void sectionsAreNumberedInOrderFromOne() {
        for (var d : docs.entrySet()) {
            Matcher m = HEADING.matcher(d.getValue());
            int expected = 1;
            while (m.find()) {
                assertEquals(expected++, Integer.parseInt(m.group(1)), "docs/" + d.getKey() + ".md: section numbers");
            }
        }
    }

    @Test
    void everyCitationNamesAFileAndSectionThatExist() {
        List<String> broken = new ArrayList<>();
        int citations = 0;
        for (var f : tree.entrySet()) {
            Matcher m = CITATION.matcher(f.getValue());
            while (m.find()) {
                citations++;
                String doc = docs.get(m.group(1));
                if (doc == null) {
                    broken.add(f.getKey() + ": " + m.group() + " (no such file)");
                    continue;
                }
                Set<Integer> sections = new TreeSet<>();
                if (m.group(2) != null) {
                    sections.add(Integer.parseInt(m.group(2)));
                    Matcher more = MORE.matcher(m.group(3));
                    while (more.find()) {
                        sections.add(Integer.parseInt(more.group(1)));
                    }
                }
                for (int s : sections) {
                    if (!Pattern.compile("(?m)^## §" + s + " ").matcher(doc).find()) {
                        broken.add(f.getKey() + ": " + m.group() + " (no section §" + s + ")");
                    }
                }
            }
        }
        assertEquals(List.of(), broken);
        assertTrue(citations > 40, "citations found: " + citations);
    }

    @Test
    void nothingCitesADocumentOutsideTheRepository() {
        String outside = "CONTRACT";
        List<String> found = new ArrayList<>();
        for (var f : tree.entrySet()) {
            if (f.getValue().contains(outside + " §") || f.getValue().contains(outside + ".md")
                    || f.getValue().contains("shared/" + "docs")) {
                found.add(f.getKey().toString());
            }
        }
        assertEquals(List.of(), found);
    }
}
