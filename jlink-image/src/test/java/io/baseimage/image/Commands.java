package io.baseimage.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Host commands for {@link ImageIT} and {@link KubeIT} (the container engines of {@link Engine}
 * among them): stdout and stderr captured separately, a hard time limit per command.
 */
final class Commands {
  private Commands() {}

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
