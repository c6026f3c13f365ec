/* The libc surface org.ttp4j.inotify binds to (input of scripts/generate-bindings). */
#include <sys/inotify.h>
#include <sys/eventfd.h>
#include <poll.h>
#include <unistd.h>
