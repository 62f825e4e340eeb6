/*
 * The interpreter named on the "#!" line of /sbin/my_init and /sbin/setuser. It starts the
 * runtime's java next to it, after two things that only a process outside the JVM can do
 * (docs/architecture.md, "The launchers"):
 *
 *  - The container's JAVA_TOOL_OPTIONS, _JAVA_OPTIONS, JDK_JAVA_OPTIONS and _JAVA_SR_SIGNUM are
 *    the user's. HotSpot and the java launcher read them before any Java code runs, and no flag
 *    turns that off. Each one is renamed BASEIMAGE_HELD_<NAME>, byte for byte, and so is a
 *    variable whose name already starts with BASEIMAGE_HELD_ (it gets a second prefix); my_init
 *    and setuser take one prefix off every such name for their children.
 *  - HotSpot suspends and resumes threads with SIGUSR2 unless _JAVA_SR_SIGNUM names another signal:
 *    a SIGUSR2 sent to my_init would be swallowed by the JVM instead of forwarded. Our JVM gets
 *    _JAVA_SR_SIGNUM=63, a real-time signal nobody sends to an init; my_init removes it again.
 *  - Ignored dispositions and blocked signals survive exec. A JVM started with SIGCHLD ignored
 *    never sees its children end, one started with SIGTERM ignored never handles it. Every
 *    signal is reset to its default, glibc's internal 32 and 33 included (hence the raw system
 *    calls), and unblocked, except for the ones below.
 *  - The signals my_init takes (TERM, INT, HUP, USR1, USR2, WINCH) and QUIT are blocked. The JVM
 *    runs with -Xrs, which leaves them blocked in every thread: one that comes while the JVM
 *    starts stays pending until my_init takes it with sigwaitinfo, instead of ending the JVM
 *    without a shutdown or, for QUIT, printing a thread dump. setuser clears the mask before it
 *    execs its command.
 *
 *   launcher @ARGFILE SCRIPT [ARG...]   ->   DIR/java @ARGFILE SCRIPT [ARG...]
 *
 * where DIR is this program's own directory, taken from argv[0] (the kernel passes the "#!" path).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define HELD_PREFIX "BASEIMAGE_HELD_"
#define KERNEL_NSIG 64

static const char *const HELD_VARIABLES[] = {
    "JAVA_TOOL_OPTIONS=", "_JAVA_OPTIONS=", "JDK_JAVA_OPTIONS=", "_JAVA_SR_SIGNUM=", HELD_PREFIX};
static char SUSPEND_RESUME_SIGNAL[] = "_JAVA_SR_SIGNUM=63";

/* The kernel's struct sigaction for rt_sigaction (not glibc's, which is larger). */
struct kernel_sigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)(void);
  unsigned long mask;
};

static int is_held(const char *entry) {
  for (size_t i = 0; i < sizeof HELD_VARIABLES / sizeof *HELD_VARIABLES; i++) {
    if (strncmp(entry, HELD_VARIABLES[i], strlen(HELD_VARIABLES[i])) == 0) {
      return 1;
    }
  }
  return 0;
}

static char *held(const char *entry) {
  size_t length = strlen(entry);
  char *renamed = malloc(sizeof HELD_PREFIX + length);
  if (renamed == NULL) {
    return NULL;
  }
  memcpy(renamed, HELD_PREFIX, sizeof HELD_PREFIX - 1);
  memcpy(renamed + sizeof HELD_PREFIX - 1, entry, length + 1);
  return renamed;
}

/*
 * First the mask, then the dispositions: a signal that comes in between is then pending, not
 * discarded (an ignored signal is dropped when it arrives unless it is blocked).
 */
static void reset_signals(void) {
  static const int taken_later[] = {SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGTERM, SIGWINCH};
  unsigned long blocked = 0;
  for (size_t i = 0; i < sizeof taken_later / sizeof *taken_later; i++) {
    blocked |= 1UL << (taken_later[i] - 1);
  }
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &blocked, NULL, sizeof blocked);
  struct kernel_sigaction default_action = {SIG_DFL, 0, NULL, 0};
  for (int signal = 1; signal <= KERNEL_NSIG; signal++) {
    if (signal != SIGKILL && signal != SIGSTOP) {
      syscall(SYS_rt_sigaction, signal, &default_action, NULL, sizeof default_action.mask);
    }
  }
}

int main(int argc, char **argv, char **envp) {
  // At once: until the mask is set, a SIGTERM to a PID 1 without a handler is dropped.
  reset_signals();
  const char *slash = strrchr(argv[0], '/');
  if (argc < 2 || slash == NULL) {
    fprintf(stderr, "launcher: to be named on the \"#!\" line of /sbin/my_init or /sbin/setuser\n");
    return 127;
  }
  size_t directory = (size_t) (slash - argv[0]) + 1;
  char *java = malloc(directory + sizeof "java");
  size_t count = 0;
  while (envp[count] != NULL) {
    count++;
  }
  char **environment = malloc((count + 2) * sizeof *environment);
  if (java == NULL || environment == NULL) {
    perror("launcher");
    return 127;
  }
  memcpy(java, argv[0], directory);
  memcpy(java + directory, "java", sizeof "java");
  for (size_t i = 0; i < count; i++) {
    environment[i] = is_held(envp[i]) ? held(envp[i]) : envp[i];
    if (environment[i] == NULL) {
      perror("launcher");
      return 127;
    }
  }
  environment[count] = SUSPEND_RESUME_SIGNAL;
  environment[count + 1] = NULL;

  argv[0] = java;
  execve(java, argv, environment);
  fprintf(stderr, "launcher: cannot execute %s: ", java);
  perror(NULL);
  return 127;
}
