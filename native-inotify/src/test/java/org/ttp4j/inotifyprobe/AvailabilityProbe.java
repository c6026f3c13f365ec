package org.ttp4j.inotifyprobe;

import org.ttp4j.inotify.Inotify;
import org.ttp4j.inotify.InotifyWatcher;

/** Run in a child JVM by InotifyTest: prints what a consumer is told, then what constructing a watcher does. */
public final class AvailabilityProbe {
    private AvailabilityProbe() {}

    public static void main(String[] args) {
        System.out.println(Inotify.isAvailable() ? "available" : Inotify.unavailabilityCause().getMessage());
        try (var watcher = new InotifyWatcher(event -> {})) {
            System.out.println("watcher open: " + watcher.isOpen());
        } catch (Exception e) {
            System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
