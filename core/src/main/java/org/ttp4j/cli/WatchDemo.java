package org.ttp4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.ttp4j.inotify.Inotify;
import org.ttp4j.inotify.InotifyEvent;
import org.ttp4j.inotify.InotifyHandler;
import org.ttp4j.inotify.InotifyException;
import org.ttp4j.inotify.InotifyWatcher;
import org.ttp4j.rule.RuleFileNames;

/**
 * What {@code scripts/ttp4j run} does until the command line lands: watches the rules directory
 * ({@code rules/ttp}, or the first argument) and prints each inotify event, one line each, saying
 * whether its name passes the rule-file allowlist.
 */
public final class WatchDemo {
    private WatchDemo() {}

    private static final int MASK = Inotify.IN_CLOSE_WRITE | Inotify.IN_MOVED_TO | Inotify.IN_CREATE | Inotify.IN_DELETE
            | Inotify.IN_MOVED_FROM | Inotify.IN_DELETE_SELF | Inotify.IN_MOVE_SELF;
    private static final String[] BIT_NAMES = {"ACCESS", "MODIFY", "ATTRIB", "CLOSE_WRITE", "CLOSE_NOWRITE", "OPEN",
        "MOVED_FROM", "MOVED_TO", "CREATE", "DELETE", "DELETE_SELF", "MOVE_SELF", "", "UNMOUNT", "Q_OVERFLOW", "IGNORED"};

    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args.length > 0 ? args[0] : "rules/ttp");
        if (!Inotify.isAvailable()) {
            System.err.println("ttp4j: " + Inotify.unavailabilityCause().getMessage());
            System.exit(1);
        }
        if (!Files.isDirectory(dir)) {
            System.err.println("ttp4j: " + dir + ": not a directory (run from the repository root, or pass the rules directory)");
            System.exit(1);
        }
        CountDownLatch gone = new CountDownLatch(1);
        InotifyHandler printer = new InotifyHandler() {
            @Override
            public void onEvent(InotifyEvent e) {
                StringBuilder line = new StringBuilder(64).append(names(e.mask()));
                if (e.hasName()) {
                    line.append(' ').append(e.name());
                    line.append(RuleFileNames.matches(e.segment(), e.nameOffset(), e.nameLength()) ? "  (rule file)" : "  (ignored name)");
                }
                if (e.cookie() != 0) {
                    line.append("  cookie=").append(Integer.toUnsignedString(e.cookie()));
                    line.append(e.pairedMoveOffset() >= 0 ? " paired" : " unpaired");
                }
                System.out.println(line);
                if (e.isIgnored()) {
                    gone.countDown();
                }
            }

            @Override
            public void onOverflow() {
                System.out.println("Q_OVERFLOW (events were lost: a store would rescan now)");
            }

            @Override
            public void onError(Throwable error) {
                System.err.println("ttp4j: " + error);
            }
        };
        try (InotifyWatcher watcher = new InotifyWatcher(printer, "ttp4j-watch-demo", InotifyWatcher.MIN_BUFFER_SIZE)) {
            watcher.addWatch(dir, MASK);
            System.out.println("watching " + dir + " (Ctrl-C to stop)");
            Runtime.getRuntime().addShutdownHook(new Thread(watcher::close));
            gone.await();
            System.out.println(dir + " is gone; stopping");
        } catch (InotifyException e) {
            System.err.println("ttp4j: " + e.getMessage());
            System.exit(1);
        }
    }

    private static String names(int mask) {
        StringBuilder s = new StringBuilder();
        for (int bit = 0; bit < BIT_NAMES.length; bit++) {
            if ((mask & (1 << bit)) != 0 && !BIT_NAMES[bit].isEmpty()) {
                s.append(s.isEmpty() ? "" : "|").append(BIT_NAMES[bit]);
            }
        }
        if ((mask & Inotify.IN_ISDIR) != 0) {
            s.append("|ISDIR");
        }
        return s.toString();
    }
}
