/*
 * Orphan storm for jlink-image/scripts/benchmark.sh: makes N orphans that all exit at the same
 * moment and measures how long the init (PID 1 of the pid namespace) takes to reap them all.
 *
 *   orphans [N [TIMEOUT_MS]]        (defaults 10000 and 30000)
 *
 * A helper child forks N grandchildren that block reading a pipe, then exits; we reap the helper,
 * so the grandchildren are orphans of PID 1. We then close the pipe's last write end: every
 * grandchild reads EOF and exits at once, and becomes a zombie until PID 1 reaps it.
 * Watching must not steal the CPU from the reaper (2 cores, 10,000 exiting tasks): first we poll
 * the kernel's task count (/proc/loadavg, 4th field; a zombie leaves it only when reaped) every
 * millisecond until it is back near where it was before the fork, then poll kill(pid, 0) (which
 * succeeds on a zombie) until no grandchild pid is left, then scan /proc for zombies. Prints one line:
 *
 *   orphans N reaped R ms T per_s P zombies Z
 *
 * Exit status 0 when all were reaped and no zombie is left, 1 otherwise.
 * Build: gcc -O2 -static -o orphans orphans.c
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Number of tasks in the system (threads and zombies not yet reaped), or -1. */
static long task_count(void) {
  char buf[128];
  FILE *f = fopen("/proc/loadavg", "r");
  if (!f) return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *slash = strchr(buf, '/');
  return slash ? strtol(slash + 1, NULL, 10) : -1;
}

static int count_zombies(void) {
  DIR *proc = opendir("/proc");
  if (!proc) return -1;
  int zombies = 0;
  struct dirent *e;
  while ((e = readdir(proc)) != NULL) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    char path[300], buf[512];
    snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
    FILE *f = fopen(path, "r");
    if (!f) continue;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *paren = strrchr(buf, ')'); /* comm may contain spaces */
    if (paren && paren[1] == ' ' && paren[2] == 'Z') zombies++;
  }
  closedir(proc);
  return zombies;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 10000;
  double timeout_ms = argc > 2 ? atof(argv[2]) : 30000;
  if (n <= 0) { fprintf(stderr, "orphans: bad N\n"); return 2; }

  pid_t *pids = mmap(NULL, n * sizeof(pid_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  int *made = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (pids == MAP_FAILED || made == MAP_FAILED) { perror("orphans: mmap"); return 2; }
  int go[2];
  if (pipe(go) != 0) { perror("orphans: pipe"); return 2; }

  long tasks_before = task_count();
  pid_t helper = fork();
  if (helper < 0) { perror("orphans: fork"); return 2; }
  if (helper == 0) {
    for (int i = 0; i < n; i++) {
      pid_t c = fork();
      if (c < 0) { perror("orphans: fork"); break; }
      if (c == 0) {
        close(go[1]);
        char b;
        while (read(go[0], &b, 1) < 0 && errno == EINTR) {}
        _exit(0);
      }
      pids[i] = c;
      *made = i + 1;
    }
    _exit(0);
  }
  int status;
  while (waitpid(helper, &status, 0) < 0 && errno == EINTR) {}
  int total = *made;
  if (total != n) fprintf(stderr, "orphans: only %d of %d forked\n", total, n);

  double t0 = now_ms();
  close(go[1]);
  close(go[0]);
  int remaining = total;
  struct timespec pause = {0, 1000000}; /* 1 ms between looks: leave the CPU to the reaper */
  /* Phase 1, cheap: until the task count is nearly back (other work on the machine may move it
   * a little; an exact scan every 100 ms makes sure this phase cannot hang on that). */
  double last_scan = t0;
  while (tasks_before > 0 && now_ms() - t0 < timeout_ms) {
    long tasks = task_count();
    if (tasks >= 0 && tasks <= tasks_before + 64) break;
    if (now_ms() - last_scan >= 100) {
      int k = 0;
      for (int i = 0; i < remaining; i++) {
        if (kill(pids[i], 0) == 0 || errno != ESRCH) pids[k++] = pids[i];
      }
      remaining = k;
      if (remaining == 0) break;
      last_scan = now_ms();
    }
    nanosleep(&pause, NULL);
  }
  /* Phase 2, exact: every grandchild pid gone. */
  while (remaining > 0 && now_ms() - t0 < timeout_ms) {
    int k = 0;
    for (int i = 0; i < remaining; i++) {
      if (kill(pids[i], 0) == 0 || errno != ESRCH) pids[k++] = pids[i];
    }
    remaining = k;
    if (remaining > 0) nanosleep(&pause, NULL);
  }
  double ms = now_ms() - t0;
  int zombies = count_zombies();
  int reaped = total - remaining;
  printf("orphans %d reaped %d ms %.1f per_s %.0f zombies %d\n", n, reaped, ms,
         remaining == 0 && ms > 0 ? reaped / (ms / 1e3) : 0.0, zombies);
  fflush(stdout);
  return remaining == 0 && zombies == 0 && total == n ? 0 : 1;
}
