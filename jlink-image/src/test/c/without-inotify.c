/*
 * without-inotify COMMAND [ARG...]: runs COMMAND where inotify and pidfd_open fail with ENOSYS, as
 * under a seccomp profile older than those calls (Docker before 20.10 for pidfd_open). The filter
 * is inherited by everything COMMAND starts. For the tests of my_init's fallbacks (docs/architecture.md).
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#else
#error "unsupported architecture"
#endif

#define FAIL_WITH_ENOSYS(nr) \
  BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
  BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS)

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: without-inotify COMMAND [ARG...]\n");
    return 2;
  }
  struct sock_filter filter[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#ifdef __NR_inotify_init
    FAIL_WITH_ENOSYS(__NR_inotify_init),
#endif
    FAIL_WITH_ENOSYS(__NR_inotify_init1),
    FAIL_WITH_ENOSYS(__NR_inotify_add_watch),
    FAIL_WITH_ENOSYS(__NR_pidfd_open),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog program = {sizeof filter / sizeof filter[0], filter};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) {
    perror("without-inotify: seccomp");
    return 1;
  }
  if (syscall(__NR_inotify_init1, 0) != -1 || errno != ENOSYS) {
    fprintf(stderr, "without-inotify: inotify_init1 still works\n");
    return 1;
  }
  execv(argv[1], argv + 1);
  perror(argv[1]);
  return 127;
}
