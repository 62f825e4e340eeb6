package io.baseimage.startup;

import io.baseimage.env.ByteString;
import io.baseimage.env.ContainerEnvironment;
import io.baseimage.env.internal.FileNames;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds a program the way {@code execvp} does, but on the child's {@code PATH}, not ours, and on
 * bytes: a {@code PATH} entry or a program name in any encoding works whatever the locale
 * (docs/architecture.md, "The environment, from the kernel to the children").
 */
public final class Executables {
  /** Used when the environment has no PATH; it covers /sbin and /usr/sbin for runsvdir. */
  public static final String DEFAULT_PATH =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private Executables() {}

  /**
   * The file to execute for {@code program}.
   *
   * @throws SpawnException with status {@link ExitCodes#NOT_FOUND} if there is none
   */
  public static byte[] resolve(byte[] program, ContainerEnvironment environment)
      throws SpawnException {
    for (byte b : program) {
      if (b == '/') {
        return program;
      }
    }
    byte[] path =
        environment
            .getBytes("PATH")
            .map(ByteString::toByteArray)
            .orElse(DEFAULT_PATH.getBytes(StandardCharsets.US_ASCII));
    return resolve(program, path).orElseThrow(() -> notFound(program));
  }

  static Optional<byte[]> resolve(byte[] name, byte[] searchPath) {
    byte[] notExecutable = null;
    for (byte[] dir : split(searchPath)) {
      byte[] candidate = join(dir.length == 0 ? new byte[] {'.'} : dir, name);
      Path file = FileNames.pathOf(candidate);
      if (Files.isRegularFile(file)) {
        if (Files.isExecutable(file)) {
          return Optional.of(candidate);
        }
        notExecutable = notExecutable == null ? candidate : notExecutable;
      }
    }
    // Like execvp: a file that exists but cannot be executed gives EACCES rather than ENOENT.
    return Optional.ofNullable(notExecutable);
  }

  static SpawnException notFound(byte[] name) {
    return new SpawnException(
        "cannot execute " + FileNames.display(name) + ": No such file or directory",
        ExitCodes.NOT_FOUND);
  }

  private static List<byte[]> split(byte[] searchPath) {
    List<byte[]> dirs = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= searchPath.length; i++) {
      if (i == searchPath.length || searchPath[i] == ':') {
        byte[] dir = new byte[i - start];
        System.arraycopy(searchPath, start, dir, 0, dir.length);
        dirs.add(dir);
        start = i + 1;
      }
    }
    return dirs;
  }

  private static byte[] join(byte[] dir, byte[] name) {
    ByteArrayOutputStream path = new ByteArrayOutputStream(dir.length + 1 + name.length);
    path.writeBytes(dir);
    if (dir[dir.length - 1] != '/') {
      path.write('/');
    }
    path.writeBytes(name);
    return path.toByteArray();
  }
}
