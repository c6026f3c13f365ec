/* The libc surface org.ttp4j.inotify binds to (input of scripts/generate-bindings). */
#include <sys/inotify.h>
#include <unistd.h>
