package io.baseimage.setuser;

import io.baseimage.startup.internal.posix.DirectoryWatch;
import io.baseimage.startup.internal.posix.ErrnoException;
import io.baseimage.startup.internal.posix.GroupEntry;
import io.baseimage.startup.internal.posix.PasswdEntry;
import io.baseimage.startup.internal.posix.Posix;
import io.baseimage.startup.internal.posix.WaitStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A {@link Posix} with an in-memory user and group database that records every call it gets, in
 * order, as text such as {@code setgid(500)}. {@link #exec} records the call and throws
 * {@link Exec}: like a real exec, nothing after it runs.
 */
final class FakePosix implements Posix {
  /** Thrown by {@link #exec} in place of the process being replaced. */
  static final class Exec extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final transient byte[] path;
    final transient List<byte[]> argv;
    final transient List<byte[]> environ;

    Exec(byte[] path, List<byte[]> argv, List<byte[]> environ) {
      super("exec " + new String(path, StandardCharsets.UTF_8), null, false, false);
      this.path = path;
      this.argv = List.copyOf(argv);
      this.environ = List.copyOf(environ);
    }
  }

  private final List<String> calls = new ArrayList<>();
  private final Map<String, PasswdEntry> users = new HashMap<>();
  private final Map<String, GroupEntry> groups = new HashMap<>();
  private final Map<String, ErrnoException> failures = new HashMap<>();
  private int uid;
  private int gid;

  FakePosix(int uid, int gid) {
    this.uid = uid;
    this.gid = gid;
  }

  static FakePosix root() {
    return new FakePosix(0, 0);
  }

  FakePosix user(String name, int uid, int gid, String home) {
    users.put(name, new PasswdEntry(name, uid, gid, home, "/bin/sh"));
    return this;
  }

  FakePosix group(String name, int gid) {
    groups.put(name, new GroupEntry(name, gid));
    return this;
  }

  /** Makes the call named {@code call} (for example {@code "setgid"}) fail with {@code errno}. */
  FakePosix failing(String call, int errno, String description) {
    failures.put(call, new ErrnoException(call, errno, description));
    return this;
  }

  List<String> calls() {
    return List.copyOf(calls);
  }

  private void record(String name, String call) throws ErrnoException {
    calls.add(call);
    ErrnoException failure = failures.get(name);
    if (failure != null) {
      throw new ErrnoException(call, failure.errno(), failure.description());
    }
  }

  @Override
  public Optional<PasswdEntry> userByName(String name) throws ErrnoException {
    record("getpwnam", "getpwnam(" + name + ")");
    return Optional.ofNullable(users.get(name));
  }

  @Override
  public Optional<PasswdEntry> userById(int uid) throws ErrnoException {
    record("getpwuid", "getpwuid(" + Integer.toUnsignedString(uid) + ")");
    return users.values().stream().filter(u -> u.uid() == uid).findFirst();
  }

  @Override
  public Optional<GroupEntry> groupByName(String name) throws ErrnoException {
    record("getgrnam", "getgrnam(" + name + ")");
    return Optional.ofNullable(groups.get(name));
  }

  @Override
  public Optional<GroupEntry> groupById(int gid) throws ErrnoException {
    record("getgrgid", "getgrgid(" + Integer.toUnsignedString(gid) + ")");
    return groups.values().stream().filter(g -> g.gid() == gid).findFirst();
  }

  @Override
  public void initgroups(String user, int gid) throws ErrnoException {
    record("initgroups", "initgroups(" + user + ", " + Integer.toUnsignedString(gid) + ")");
  }

  @Override
  public void setgroups(int[] groups) throws ErrnoException {
    record("setgroups", "setgroups(" + Arrays.stream(groups).mapToObj(Integer::toUnsignedString)
        .collect(Collectors.joining(", ", "[", "]")) + ")");
  }

  @Override
  public void setgid(int gid) throws ErrnoException {
    record("setgid", "setgid(" + Integer.toUnsignedString(gid) + ")");
    this.gid = gid;
  }

  @Override
  public void setuid(int uid) throws ErrnoException {
    record("setuid", "setuid(" + Integer.toUnsignedString(uid) + ")");
    this.uid = uid;
  }

  @Override
  public void closeOnExec(int lowest) throws ErrnoException {
    record("closeOnExec", "closeOnExec(" + lowest + ")");
  }

  @Override
  public void exec(byte[] path, List<byte[]> argv, List<byte[]> environ) throws ErrnoException {
    record("execve", "execve(" + new String(path, StandardCharsets.UTF_8) + ")");
    throw new Exec(path, argv, environ);
  }

  @Override
  public int uid() {
    return uid;
  }

  @Override
  public int gid() {
    return gid;
  }

  @Override
  public int processGroup() {
    throw new AssertionError("processGroup");
  }

  @Override
  public int pid() {
    return 4242;
  }

  // Not used by setuser: calling them is a bug.

  @Override
  public int spawn(byte[] path, List<byte[]> argv, List<byte[]> environ, boolean newProcessGroup) {
    throw new AssertionError("setuser must exec, never spawn");
  }

  @Override
  public Optional<WaitStatus> waitAny() {
    throw new AssertionError("waitAny");
  }

  @Override
  public void kill(int pid, int signal) {
    throw new AssertionError("kill");
  }

  @Override
  public void becomeChildSubreaper() {
    throw new AssertionError("becomeChildSubreaper");
  }

  @Override
  public void ignore(int signal) {
    throw new AssertionError("ignore");
  }

  @Override
  public int awaitSignal(int... signals) {
    throw new AssertionError("awaitSignal");
  }

  @Override
  public boolean isTerminal(int fd) {
    throw new AssertionError("isTerminal");
  }

  @Override
  public void setForegroundProcessGroup(int fd, int processGroup) {
    throw new AssertionError("setForegroundProcessGroup");
  }

  @Override
  public void setThreadName(String name) {
    throw new AssertionError("setThreadName");
  }

  @Override
  public DirectoryWatch watch(List<byte[]> directories) {
    throw new AssertionError("watch");
  }
}
