package io.baseimage.startup;

import io.baseimage.env.ByteString;
import io.baseimage.env.ContainerEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds a program the way {@code execvp} does, but on the child's {@code PATH}, not ours. */
public final class Executables {
  /** Used when the environment has no PATH; it covers /sbin and /usr/sbin for runsvdir. */
  public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private Executables() {}

  /**
   * The file to execute for {@code program}.
   *
   * @throws SpawnException with status 127 if there is none, 126 if it is not executable
   */
  public static byte[] resolve(byte[] program, ContainerEnvironment environment) throws SpawnException {
    String name = new String(program, StandardCharsets.UTF_8);
    if (name.indexOf('/') >= 0) {
      return program;
    }
    String path = environment.getBytes("PATH").map(ByteString::toString).orElse(DEFAULT_PATH);
    return resolve(name, path).map(p -> p.getBytes(StandardCharsets.UTF_8))
        .orElseThrow(() -> notFound(name));
  }

  static Optional<String> resolve(String name, String searchPath) {
    String notExecutable = null;
    for (String dir : searchPath.split(":", -1)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isRegularFile(candidate)) {
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate.toString());
        }
        notExecutable = notExecutable == null ? candidate.toString() : notExecutable;
      }
    }
    // Like execvp: a file that exists but cannot be executed gives EACCES rather than ENOENT.
    return Optional.ofNullable(notExecutable);
  }

  static SpawnException notFound(String name) {
    return new SpawnException("cannot execute " + name + ": No such file or directory", 127);
  }
}
