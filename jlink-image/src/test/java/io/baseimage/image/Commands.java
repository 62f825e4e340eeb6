package io.baseimage.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs podman (and other host commands) for {@link ImageIT} and {@link KubeIT}: stdout and stderr
 * captured separately, a hard time limit per command, container names that the test removes itself.
 */
final class Podman {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private Podman() {}

  /** A finished command. */
  record Result(
      List<String> command, int exitCode, String stdout, String stderr, Duration elapsed) {
    /** The whole result, for assertion messages. */
    String describe() {
      return "command: "
          + String.join(" ", command)
          + "\nexit status: "
          + exitCode
          + " ("
          + elapsed.toMillis()
          + " ms)\n--- stdout:\n"
          + stdout
          + "--- stderr:\n"
          + stderr
          + "---";
    }

    Result hasStatus(int expected) {
      assertThat(exitCode).as("exit status of\n%s", describe()).isEqualTo(expected);
      return this;
    }
  }

  /** The podman executable on PATH, if there is one. */
  static Optional<Path> find() {
    String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    return Arrays.stream(path.split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, "podman"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /**
   * The common precondition of the image tests: root (podman, the image build), else the test class
   * is skipped with the reason printed; podman on PATH, else the test fails and says how to get it.
   */
  static void requireRootAndPodman(String who) throws IOException {
    Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    if (!Integer.valueOf(0).equals(uid)) {
      String reason =
          who + " skipped: needs root for podman, mmdebstrap and the image build (uid " + uid + ")";
      System.out.println(reason);
      Assumptions.abort(reason);
    }
    if (find().isEmpty()) {
      fail(
          who
              + " needs podman on PATH, and none was found: install it with .ci/podman-setup.sh "
              + "(apt packages podman, runc, mmdebstrap, catatonit + a containers.conf drop-in)");
    }
  }

  /** The id of a local image, if it exists. */
  static Optional<String> imageId(String image) {
    Result r = podman(Duration.ofSeconds(30), "image", "inspect", "--format", "{{.Id}}", image);
    return r.exitCode() == 0 && !r.stdout().isBlank()
        ? Optional.of(r.stdout().strip())
        : Optional.empty();
  }

  /** A container name unique to this JVM run, to pass to {@code --name} and remove afterwards. */
  static String newName() {
    return "baseimage-it-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
  }

  /** {@code podman ARGS...} with the given time limit. */
  static Result podman(Duration timeout, String... args) {
    return podmanWithInput(timeout, null, args);
  }

  /** {@code podman ARGS...} with the given bytes on stdin (null: no stdin). */
  static Result podmanWithInput(Duration timeout, String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add("podman");
    command.addAll(List.of(args));
    return run(command, stdin, timeout, null);
  }

  /** Removes a container whatever its state; never fails (for finally blocks). */
  static void removeContainer(String name) {
    try {
      podman(Duration.ofSeconds(60), "rm", "--force", "--ignore", "--time", "0", name);
    } catch (RuntimeException | AssertionError e) {
      System.err.println("ImageIT: could not remove container " + name + ": " + e.getMessage());
    }
  }

  /**
   * Runs a command; output goes to temporary files (no pipe can fill up and block the command).
   * Fails the test if the command does not end within {@code timeout}.
   */
  static Result run(List<String> command, String stdin, Duration timeout, Path workDir) {
    Path out = null;
    Path err = null;
    Path in = null;
    try {
      out = Files.createTempFile("image-it-", ".out");
      err = Files.createTempFile("image-it-", ".err");
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      if (workDir != null) {
        builder.directory(workDir.toFile());
      }
      if (stdin != null) {
        in = Files.createTempFile("image-it-", ".in");
        Files.writeString(in, stdin);
        builder.redirectInput(in.toFile());
      } else {
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      }
      long start = System.nanoTime();
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            "timed out after "
                + timeout.toSeconds()
                + " s: "
                + String.join(" ", command)
                + "\n--- stdout so far:\n"
                + read(out)
                + "--- stderr so far:\n"
                + read(err));
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      return new Result(List.copyOf(command), process.exitValue(), read(out), read(err), elapsed);
    } catch (IOException e) {
      throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + String.join(" ", command), e);
    } finally {
      delete(out);
      delete(err);
      delete(in);
    }
  }

  /**
   * Runs {@code podman ARGS...} until {@code until} accepts the result or {@code limit} has passed;
   * returns the last result (the caller asserts on it, so a failure shows what was seen last).
   */
  static Result poll(Duration limit, Predicate<Result> until, String... args) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      Result result = podman(Duration.ofSeconds(30), args);
      if (until.test(result) || System.nanoTime() > deadline) {
        return result;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return result;
      }
    }
  }

  private static String read(Path file) {
    try {
      return file == null ? "" : Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  private static void delete(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a temporary file
      }
    }
  }
}
