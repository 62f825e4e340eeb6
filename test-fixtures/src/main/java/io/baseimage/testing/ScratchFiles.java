package io.baseimage.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Files for tests in a temporary directory; shared with myinit-launcher's tests (test-jar). */
public final class ScratchFiles {
  private ScratchFiles() {}

  /**
   * An executable file {@code dir/name} (its content never runs: the fake only checks it exists).
   */
  public static Path executable(Path dir, String name) {
    return withMode(dir.resolve(name), "rwxr-xr-x");
  }

  /** A regular file without any execute permission. */
  public static Path plainFile(Path dir, String name) {
    return withMode(dir.resolve(name), "rw-r--r--");
  }

  private static Path withMode(Path file, String mode) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, "#!/bin/sh\nexit 0\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
