package io.baseimage.startup.internal.posix;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.IntByReference;

/**
 * The C library functions we call, bound by jnr-ffi. Smaller than jnr-posix's binding (which costs
 * ~100 ms to load) and it has what jnr-posix lacks: spawn signal masks and defaults, sigprocmask,
 * prctl, initgroups, execvpe, pidfd and the real error numbers of posix_spawn.
 */
public interface LibC {
  // posix_spawn returns an error number instead of setting errno.
  int posix_spawn(@Out IntByReference pid, @In byte[] path, Pointer fileActions, Pointer attr,
      Pointer argv, Pointer envp);

  int posix_spawnattr_init(Pointer attr);

  int posix_spawnattr_destroy(Pointer attr);

  int posix_spawnattr_setflags(Pointer attr, short flags);

  int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

  int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

  int posix_spawnattr_setpgroup(Pointer attr, int pgroup);

  int posix_spawn_file_actions_init(Pointer actions);

  int posix_spawn_file_actions_destroy(Pointer actions);

  int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

  @SaveError
  int sigprocmask(int how, Pointer set, Pointer oldSet);

  @SaveError
  long signal(int signal, long handler);

  @SaveError
  int waitpid(int pid, @Out IntByReference status, int options);

  @SaveError
  int kill(int pid, int signal);

  @SaveError
  int prctl(int option, long arg2, long arg3, long arg4, long arg5);

  int getppid();

  int getuid();

  int geteuid();

  int getgid();

  int getpgrp();

  @SaveError
  int setpgid(int pid, int pgid);

  int isatty(int fd);

  @SaveError
  int tcgetpgrp(int fd);

  @SaveError
  int tcsetpgrp(int fd, int pgrp);

  @SaveError
  Pointer getpwnam(@In byte[] name);

  @SaveError
  Pointer getpwuid(int uid);

  @SaveError
  Pointer getgrnam(@In byte[] name);

  @SaveError
  Pointer getgrgid(int gid);

  @SaveError
  int initgroups(@In byte[] user, int gid);

  @SaveError
  int setgroups(long size, @In int[] groups);

  @SaveError
  int setgid(int gid);

  @SaveError
  int setuid(int uid);

  @SaveError
  int execve(@In byte[] path, Pointer argv, Pointer envp);

  @SaveError
  long syscall(long number, long arg1, long arg2);

  @SaveError
  int poll(Pointer fds, long count, int timeoutMillis);

  int close(int fd);

  String strerror(int errno);

  // glibc 2.34, like posix_spawn_file_actions_addclosefrom_np above.
  @SaveError
  int close_range(int first, int last, int flags);

  @SaveError
  int fcntl(int fd, int command, int argument);
}
