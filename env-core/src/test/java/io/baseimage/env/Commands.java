package io.baseimage.env;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs real programs (shells, jq, mount) for tests that check against them. */
final class Commands {
  private Commands() {}

  record Result(int exitCode, byte[] stdout, String stderr) {
    String stdoutText() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    Result checked(List<String> command) {
      if (exitCode != 0) {
        throw new AssertionError(command + " exited with " + exitCode + ": " + stderr);
      }
      return this;
    }
  }

  static Result run(String... command) {
    return run(List.of(command));
  }

  static Result run(List<String> command) {
    try {
      Path stderr = Files.createTempFile("env-core-test", ".stderr");
      try {
        Process process =
            new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectError(stderr.toFile())
                .start();
        byte[] stdout;
        try (InputStream in = process.getInputStream()) {
          stdout = in.readAllBytes();
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError(command + " did not finish in 60 s");
        }
        return new Result(
            process.exitValue(), stdout, Files.readString(stderr, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(stderr);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static Result checked(String... command) {
    return run(command).checked(List.of(command));
  }

  /** Whether this process runs with uid 0: root reads every file whatever its mode. */
  static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0"); // the effective uid
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return false;
  }

  static void assumeRoot(String why) {
    assume(isRoot(), "skipped: not root, and " + why);
  }

  static void assumeNotRoot(String why) {
    assume(!isRoot(), "skipped: running as root, and " + why);
  }

  static void assume(boolean condition, String message) {
    if (!condition) {
      System.out.println(message);
    }
    Assumptions.assumeTrue(condition, message);
  }

  /** The NUL-terminated strings of {@code bytes}. */
  static List<byte[]> splitNul(byte[] bytes) {
    List<byte[]> strings = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        strings.add(Arrays.copyOfRange(bytes, start, i));
        start = i + 1;
      }
    }
    if (start != bytes.length) {
      throw new AssertionError("output does not end in a NUL byte");
    }
    return strings;
  }

  static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }

  static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] all = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Mounts a tmpfs of {@code size} (as {@code mount -o size=}) on {@code dir}, for tests of full
   * and read-only file systems; skips the test with a message where that is not possible (not
   * root). The caller unmounts it with {@link #unmount}.
   */
  static void mountTmpfs(Path dir, String size) {
    assumeRoot("mounting a file system needs root");
    Result mount =
        run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", "tmpfs", dir.toString());
    assume(mount.exitCode() == 0, "skipped: cannot mount tmpfs here: " + mount.stderr());
  }

  static void unmount(Path dir) {
    if (run("umount", dir.toString()).exitCode() != 0) {
      checked("umount", "-l", dir.toString());
    }
  }
}
