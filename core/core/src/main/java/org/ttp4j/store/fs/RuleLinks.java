package org.ttp4j.store.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The filesystem store's policy for rule files that are symbolic links (docs/stores.md §15). The store
 * watches its directory only, so a link is followed only where every change of its target reaches the store: a
 * target inside the directory under a name starting with {@code ..} (a Kubernetes ConfigMap's {@code ..data}
 * layout, whose swap the store follows). Any other link is refused at load with one problem line, and its rule is
 * not loaded: it would go stale the first time its target was edited. A dangling link or a link loop is no file at
 * all and is skipped quietly.
 */
public final class RuleLinks {

    /** Links followed before a chain counts as a loop (the kernel's own limit, {@code MAXSYMLINKS}). */
    private static final int MAX_HOPS = 40;

    private RuleLinks() {
    }

    /**
     * Why the store refuses {@code file}, an entry of {@code directory}, as a rule file; null when it is not a
     * symbolic link, is one the store follows, or leads nowhere (dangling, a loop).
     */
    public static String refusal(Path directory, Path file) {
        if (!Files.isSymbolicLink(file)) {
            return null;
        }
        Path target;
        Path dir;
        try {
            target = file.toRealPath();
            dir = directory.toRealPath();
        } catch (IOException e) {
            return null; // dangling or a loop: no file, skipped like a missing one
        }
        if (target.startsWith(dir) && !target.equals(dir)
                && dir.relativize(target).getName(0).toString().startsWith("..")) {
            return null;
        }
        return "a symbolic link to " + target + ", which the store does not watch (only the rules directory and"
                + " its ..data-style links are), so an edit there would never apply: refused; copy the file into"
                + " the rules directory, or link the whole directory";
    }

    /** True when following {@code file}'s symbolic links never ends. */
    public static boolean isLoop(Path file) {
        Set<Path> seen = new HashSet<>();
        Path p = file.toAbsolutePath().normalize();
        for (int hop = 0; hop < MAX_HOPS; hop++) {
            if (!Files.isSymbolicLink(p)) {
                return false;
            }
            if (!seen.add(p)) {
                return true;
            }
            try {
                p = p.resolveSibling(Files.readSymbolicLink(p)).normalize();
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
