package io.baseimage.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A throwaway root file system for one test: the shared Debian root with the overlay (read-only),
 * plus this test's own layer. Files put in {@link #path} before {@link #run} are seen inside; files
 * written inside are read back through {@link #path} afterwards.
 *
 * <p>Needs root (mounts, pid namespaces): tests get theirs from {@link SandboxExtension}, which
 * skips them otherwise.
 */
final class Sandbox implements AutoCloseable {
  private static final Path TARGET =
      Path.of(System.getProperty("baseimage.target", "target")).toAbsolutePath();
  private static final Path SCRIPTS =
      Path.of(System.getProperty("baseimage.basedir", ".")).toAbsolutePath();
  private static Path lower;

  private final Path dir;
  private final Path upper;
  private final List<Run> runs = new ArrayList<>();

  private Sandbox(Path dir) throws IOException {
    this.dir = dir;
    this.upper = Files.createDirectories(dir.resolve("upper"));
  }

  static Sandbox create() throws IOException {
    lowerRoot();
    Files.createDirectories(TARGET.resolve("sandboxes"));
    return new Sandbox(Files.createTempDirectory(TARGET.resolve("sandboxes"), "t"));
  }

  /** The Debian root with runit, as a tar file (built by scripts/it-rootfs.sh when missing). */
  static Path rootfsTar() {
    return Path.of(
        System.getProperty(
            "baseimage.it.rootfs",
            System.getProperty("user.home") + "/.cache/baseimage-java/it-rootfs-bookworm.tar"));
  }

  /** The shared root: Debian with runit, and the overlay on top, built once per test run. */
  static synchronized Path lowerRoot() throws IOException {
    if (lower != null) {
      return lower;
    }
    Path tar = rootfsTar();
    sh("scripts/it-rootfs.sh '" + tar + "'", Duration.ofMinutes(10));
    Path root = TARGET.resolve("it-root");
    sh(
        "rm -rf '"
            + root
            + "' && mkdir -p '"
            + root
            + "' && tar -C '"
            + root
            + "' -xf '"
            + tar
            + "'"
            + " && . scripts/lib.sh && install_overlay '"
            + TARGET.resolve("overlay")
            + "' '"
            + root
            + "'",
        Duration.ofMinutes(5));
    lower = root;
    return root;
  }

  /** A path inside the sandbox, as seen from the test. */
  Path path(String absolute) {
    return upper.resolve(absolute.substring(1));
  }

  /** Reads a file as the sandbox left it (its own layer, else the shared root). */
  Path file(String absolute) {
    Path own = path(absolute);
    return Files.exists(own) ? own : lower.resolve(absolute.substring(1));
  }

  Sandbox write(String absolute, String content) throws IOException {
    return write(absolute, content.getBytes(StandardCharsets.UTF_8), "rw-r--r--");
  }

  Sandbox script(String absolute, String body) throws IOException {
    return write(
        absolute, ("#!/bin/sh\n" + body + "\n").getBytes(StandardCharsets.UTF_8), "rwxr-xr-x");
  }

  Sandbox service(String name, String body) throws IOException {
    return script("/etc/service/" + name + "/run", body);
  }

  Sandbox write(String absolute, byte[] content, String mode) throws IOException {
    Path file = path(absolute);
    Files.createDirectories(file.getParent());
    Files.write(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return this;
  }

  String read(String absolute) throws IOException {
    return Files.readString(file(absolute));
  }

  byte[] bytes(String absolute) throws IOException {
    return Files.readAllBytes(file(absolute));
  }

  /** Whether the sandbox has written {@code absolute} (into its own layer). */
  boolean exists(String absolute) {
    return Files.exists(path(absolute), LinkOption.NOFOLLOW_LINKS);
  }

  /** Makes {@code absolute} and everything under it (in this sandbox's layer) owned by uid:gid. */
  Sandbox chown(String absolute, int uid, int gid) throws IOException {
    sh("chown -R " + uid + ":" + gid + " '" + path(absolute) + "'", Duration.ofSeconds(10));
    return this;
  }

  /** Appends lines to a file of the shared root (passwd, group) in this sandbox's copy of it. */
  Sandbox append(String absolute, String lines) throws IOException {
    String content = Files.readString(file(absolute)) + lines;
    Path file = path(absolute);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    return this;
  }

  /**
   * Waits until the sandbox has written {@code absolute}, for example a file a command touches once
   * it runs.
   */
  void awaitFile(Run run, String absolute, Duration limit)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!exists(absolute)) {
      if (!run.process().isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError(
            absolute
                + " not written within "
                + limit
                + " (sandbox "
                + (run.process().isAlive() ? "still running" : "ended")
                + "); stderr:\n"
                + run.stderr());
      }
      Thread.sleep(10);
    }
  }

  /** Starts {@code command} as PID 1 with exactly {@code environment}. */
  Run start(Map<String, String> environment, String... command) throws IOException {
    return start(environment, List.of(), command);
  }

  /**
   * Starts {@code wrapper}, with the sandbox running {@code command} as PID 1 as its last
   * arguments.
   */
  private Run start(Map<String, String> environment, List<String> wrapper, String... command)
      throws IOException {
    List<String> argv = new ArrayList<>(wrapper);
    argv.addAll(
        List.of(
            SCRIPTS.resolve("src/test/sh/pid1.sh").toString(),
            lower.toString(),
            upper.toString(),
            dir.resolve("w").toString(),
            "--"));
    argv.addAll(List.of(command));
    ProcessBuilder builder =
        new ProcessBuilder(argv)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().clear();
    builder.environment().putAll(environment);
    builder.redirectOutput(dir.resolve("stdout").toFile());
    builder.redirectError(dir.resolve("stderr").toFile());
    Run run = new Run(builder.start(), dir);
    runs.add(run);
    return run;
  }

  Run start(String... command) throws IOException {
    return start(defaultEnvironment(), command);
  }

  /**
   * Starts {@code command} as PID 1 on a new terminal, as {@code docker run -t -i} does; nothing is
   * typed.
   */
  Run startOnTerminal(String... command) throws IOException {
    return startOnTerminalThenCtrlC("/nonexistent/never-written", command);
  }

  /**
   * Starts {@code command} as PID 1 on a new terminal, as {@code docker run -t -i} does, and types
   * Ctrl-C on it once the sandbox has written {@code ready}. The run's stdout is what the terminal
   * showed (lines end in {@code \r\n}).
   */
  Run startOnTerminalThenCtrlC(String ready, String... command) throws IOException {
    return start(
        defaultEnvironment(),
        List.of(
            SCRIPTS.resolve("src/test/sh/on-terminal.py").toString(), path(ready).toString(), "--"),
        command);
  }

  /** Runs {@code command} as PID 1 with a typical container environment, to its end. */
  Result run(String... command) throws IOException, InterruptedException {
    return start(defaultEnvironment(), command).await(Duration.ofSeconds(60));
  }

  Result run(Map<String, String> environment, String... command)
      throws IOException, InterruptedException {
    return start(environment, command).await(Duration.ofSeconds(60));
  }

  static Map<String, String> defaultEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    env.put("HOSTNAME", "sandbox");
    env.put("HOME", "/root");
    return env;
  }

  /** The typical container environment plus {@code NAME, VALUE} pairs. */
  static Map<String, String> environment(String... pairs) {
    Map<String, String> env = defaultEnvironment();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  /** A running sandbox. */
  record Run(Process process, Path dir) {
    Result await(Duration limit) throws InterruptedException, IOException {
      if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new AssertionError("sandbox still running after " + limit + "; stderr:\n" + stderr());
      }
      return new Result(process.exitValue(), Files.readString(dir.resolve("stdout")), stderr());
    }

    String stderr() throws IOException {
      return Files.readString(dir.resolve("stderr"));
    }

    /**
     * Sends signal {@code name} ({@code "TERM"}) to the sandbox's PID 1. From the parent pid
     * namespace a signal that PID 1 handles reaches it, as {@code docker kill} does.
     */
    void signal(String name) throws IOException, InterruptedException {
      signal(name, pid1());
    }

    /**
     * Sends signal {@code name} to PID 1 and waits for the end, timing it: {@code atLeast} from
     * just before the signal (for "it waited a timeout"), {@code atMost} from just after it (for
     * "it waited no longer than it promised").
     */
    Stop stop(String name, Duration limit) throws IOException, InterruptedException {
      long before = System.nanoTime();
      signal(name);
      long after = System.nanoTime();
      Result result = await(limit);
      long ended = System.nanoTime();
      return new Stop(result, Duration.ofNanos(ended - before), Duration.ofNanos(ended - after));
    }

    /**
     * Runs {@code command} inside the running sandbox as {@code docker exec} does: a process that
     * is no descendant of PID 1 enters its pid and mount namespaces and its root ({@code nsenter}),
     * with exactly {@code environment}; waits for it (at most a minute).
     */
    Result exec(Map<String, String> environment, String... command)
        throws IOException, InterruptedException {
      List<String> argv =
          new ArrayList<>(
              List.of(
                  "nsenter",
                  "--target",
                  Long.toString(pid1()),
                  "--mount",
                  "--pid",
                  "--root",
                  "--wd",
                  "--"));
      argv.addAll(List.of(command));
      Path out = Files.createTempFile(dir, "exec-", ".out");
      Path err = Files.createTempFile(dir, "exec-", ".err");
      ProcessBuilder builder =
          new ProcessBuilder(argv)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      builder.environment().clear();
      builder.environment().putAll(environment);
      Process exec = builder.start();
      if (!exec.waitFor(60, TimeUnit.SECONDS)) {
        exec.destroyForcibly();
        throw new AssertionError("still running after 60 s: " + String.join(" ", argv));
      }
      return new Result(exec.exitValue(), Files.readString(out), Files.readString(err));
    }

    Result exec(String... command) throws IOException, InterruptedException {
      return exec(defaultEnvironment(), command);
    }

    void signal(String name, long pid) throws IOException, InterruptedException {
      Process kill = new ProcessBuilder("kill", "-s", name, Long.toString(pid)).inheritIO().start();
      if (kill.waitFor() != 0) {
        throw new AssertionError("kill -s " + name + " failed");
      }
    }

    /**
     * The host pid of the sandbox's PID 1, once it runs: the descendant whose pid in its own
     * namespace is 1 ({@code NSpid: HOSTPID 1}). Not merely "the child that is no unshare": before
     * pid1.sh execs its last unshare, its short-lived mkdir and mount are children too, and a
     * signal sent to such a pid after it ended could reach whatever process was given that pid
     * next.
     */
    long pid1() throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        var pid = process.descendants().filter(Run::isNamespaceInit).findFirst();
        if (pid.isPresent()) {
          return pid.get().pid();
        }
        Thread.sleep(10);
      }
      throw new AssertionError("no PID 1 found");
    }

    /**
     * Waits until the sandbox's PID 1 is a JVM that has only just started: the launcher has exec'd
     * the runtime's java, which is still starting up.
     */
    long awaitJvmStarting() throws InterruptedException {
      long pid = pid1();
      Path exe = Path.of("/proc/" + pid + "/exe");
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        try {
          if (Files.readSymbolicLink(exe).toString().endsWith("/bin/java")) {
            return pid;
          }
        } catch (IOException e) {
          // not yet exec'd, or just exec'ing
        }
        Thread.onSpinWait();
      }
      throw new AssertionError("PID 1 never became the JVM");
    }

    /**
     * Waits until stderr has a line matching {@code regex} (for example a debug line that says
     * my_init is ready for the next step) and returns its first group.
     */
    String awaitStderr(String regex, Duration limit) throws IOException, InterruptedException {
      Pattern pattern = Pattern.compile(regex);
      long deadline = System.nanoTime() + limit.toNanos();
      while (true) {
        var match = stderr().lines().map(pattern::matcher).filter(m -> m.matches()).findFirst();
        if (match.isPresent()) {
          return match.get().groupCount() > 0 ? match.get().group(1) : match.get().group();
        }
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new AssertionError(
              "no line " + regex + " within " + limit + "; stderr:\n" + stderr());
        }
        Thread.sleep(10);
      }
    }

    /** The host pid of the sandbox's process {@code pid}, as the sandbox's PID 1 numbers it. */
    long hostPid(long pid) {
      return process
          .descendants()
          .filter(p -> isInSandboxAs(p, pid))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no process " + pid + " in the sandbox"))
          .pid();
    }

    private static boolean isInSandboxAs(ProcessHandle process, long pid) {
      try {
        return Files.readAllLines(Path.of("/proc/" + process.pid() + "/status")).stream()
            .anyMatch(line -> line.matches("NSpid:\\t\\d+\\t" + pid));
      } catch (IOException e) {
        return false; // ended meanwhile
      }
    }

    private static boolean isNamespaceInit(ProcessHandle process) {
      try {
        return Files.readAllLines(Path.of("/proc/" + process.pid() + "/status")).stream()
            .anyMatch(line -> line.matches("NSpid:\\t\\d+\\t1"));
      } catch (IOException e) {
        return false; // ended meanwhile
      }
    }
  }

  /** How a sandbox run ended after a signal, and how long that took. */
  record Stop(Result result, Duration atLeast, Duration atMost) {}

  /** How a sandbox run ended. */
  record Result(int status, String stdout, String stderr) {
    Result hasStatus(int expected) {
      assertThat(status)
          .as("exit status; stderr:\n%s\nstdout:\n%s", stderr, stdout)
          .isEqualTo(expected);
      return this;
    }
  }

  static String sh(String command, Duration limit) throws IOException {
    try {
      Process process =
          new ProcessBuilder("bash", "-c", command)
              .directory(SCRIPTS.toFile())
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
        throw new IOException("failed: " + command + "\n" + output);
      }
      return output;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Override
  public void close() {
    // A test that timed out leaves its sandbox running: killing the unshare kills its namespace.
    for (Run run : runs) {
      run.process().descendants().forEach(ProcessHandle::destroyForcibly);
      run.process().destroyForcibly();
      try {
        run.process().waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      // rm, not Files.walk: a test's file names need not be UTF-8, and Java cannot delete those.
      sh("rm -rf '" + dir + "'", Duration.ofSeconds(30));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
