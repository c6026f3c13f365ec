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
import org.ttp4j.rule.RuleCompiler;

/**
 * Small files kept by a rule source's path and bytes under a directory per build (docs/cli.md §12): what
 * {@code validate} judged of a file ({@link VerdictCache}) and what compiling it gave ({@link RuleCache}). The same
 * bytes under the same path, read by the same jars on the same JVM, give the same result. The build is the SHA-256
 * of the cache's format, the JVM's version, home and default locale, the compiler's limits, and every module on the
 * module path: its name and location, and the size and time of its jar or of each file of its directory of classes
 * (a build tree); on the class path there is no cache. Entries are one file each under {@code ttp4j-build-HEX}; the
 * first entry of a new build removes the other builds' directories, and nothing else. A cache that cannot be read or
 * written is passed over: it only ever saves time. Its entries are trusted: the directory is the user's own.
 */
final class BuildCache {

    /** The largest entry kept or read (a rule whose aliases expand its match far beyond its file's size is not). */
    static final int MAX_ENTRY_BYTES = 4 << 20;

    /** The prefix of a build's directory: only such directories are ever removed. */
    private static final String BUILD = "ttp4j-build-";

    private final Path dir;
    private boolean prepared; // guarded by this

    private BuildCache(Path dir) {
        this.dir = dir;
    }

    /**
     * The cache the environment {@code variable} names for this build and {@code format}, or null when there is
     * none (the variable unset, blank or {@code off}, or a module on the path that cannot be read).
     */
    static BuildCache fromEnvironment(Map<String, String> env, String variable, String format) {
        if (!requested(env, variable)) {
            return null;
        }
        String build = build(format);
        return build == null ? null : new BuildCache(Path.of(env.get(variable)).resolve(BUILD + build));
    }

    /** True when {@code variable} asks for a cache (whether this build can keep one or not). */
    static boolean requested(Map<String, String> env, String variable) {
        String setting = env.get(variable);
        return setting != null && !setting.isBlank() && !setting.equals("off");
    }

    /** The entry's name for a source with this path and content hash. */
    static String key(String path, String sha256) {
        MessageDigest sha = sha256();
        sha.update(path.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(sha256.getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The entry {@code key}, or null when there is none to read (nor a regular file of at most the largest size). */
    byte[] read(String key) {
        Path entry = dir.resolve(key);
        try {
            BasicFileAttributes a = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile() || a.size() > MAX_ENTRY_BYTES) {
                return null;
            }
            try (java.io.InputStream in = Files.newInputStream(entry, LinkOption.NOFOLLOW_LINKS)) {
                byte[] bytes = in.readNBytes(MAX_ENTRY_BYTES + 1);
                return bytes.length > MAX_ENTRY_BYTES ? null : bytes;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Writes the entry {@code key} whole (a reader never sees part of it); on failure keeps nothing. */
    void write(String key, byte[] entry) {
        if (entry.length > MAX_ENTRY_BYTES) {
            return;
        }
        try {
            prepareDirectory();
            Path scratch = Files.createTempFile(dir, ".entry", ".tmp");
            try {
                Files.write(scratch, entry);
                Files.move(scratch, dir.resolve(key), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(scratch);
            }
        } catch (IOException | RuntimeException e) {
            // not kept: the next use does the work again
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
    private static String build(String format) {
        if (!BuildCache.class.getModule().isNamed() || !RuleCompiler.class.getModule().isNamed()) {
            return null; // on the class path: its entries are not stamped here
        }
        MessageDigest sha = sha256();
        StringBuilder text = new StringBuilder(format).append('\n')
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

}
