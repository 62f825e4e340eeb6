package io.baseimage.myinit;

import io.baseimage.env.internal.FileNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Where my_init finds and writes things; tests point it at a temporary tree. */
record Layout(
    Path environmentDirectory,
    Path shellDump,
    Path jsonDump,
    Path initDirectory,
    Path rcLocal,
    Path preShutdownDirectory,
    Path postShutdownDirectory,
    Path serviceDirectory,
    Path proc,
    List<Path> runtimeDirectories,
    Path noServices) {

  /**
   * The paths my_init reads and writes (docs/user-guide.md) under {@code root}: "/" in a container;
   * a scratch tree for the build's training run, which must not touch the build machine's /etc.
   */
  static Layout under(Path root, Settings settings) {
    return new Layout(
        in(root, "/etc/container_environment"),
        in(root, "/etc/container_environment.sh"),
        in(root, "/etc/container_environment.json"),
        in(root, FileNames.bytesOf(settings.initDirectory())),
        in(root, "/etc/rc.local"),
        in(root, "/etc/my_init.pre_shutdown.d"),
        in(root, "/etc/my_init.post_shutdown.d"),
        in(root, "/etc/service"),
        Path.of("/proc"),
        // Where a non-root my_init may make runsvdir's list of services: the first it can write.
        List.of(in(root, "/run"), in(root, "/tmp"), in(root, "/dev/shm")),
        // An empty directory the overlay ships, for a runsvdir that has nothing to run.
        in(root, "/usr/lib/baseimage-java/no-services"));
  }

  private static Path in(Path root, String absolute) {
    return in(root, absolute.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * {@code absolute} under {@code root}, byte for byte (ENV_INIT_DIRECTORY may be in any encoding).
   */
  private static Path in(Path root, byte[] absolute) {
    byte[] base = FileNames.bytesOf(root);
    int baseLength = base.length == 1 ? 0 : base.length;
    byte[] joined = Arrays.copyOf(base, baseLength + absolute.length);
    System.arraycopy(absolute, 0, joined, baseLength, absolute.length);
    return FileNames.pathOf(joined);
  }
}
