/** Linux inotify through java.lang.foreign: bindings, zero-copy event parser, watcher thread. */
module org.ttp4j.inotify {
}
