/**
 * Linux inotify through java.lang.foreign: jextract bindings (package {@code org.ttp4j.inotify.linux},
 * not exported), a zero-copy event flyweight and a watcher thread. Needs
 * {@code --enable-native-access=org.ttp4j.inotify}.
 */
module org.ttp4j.inotify {
    exports org.ttp4j.inotify;
}
