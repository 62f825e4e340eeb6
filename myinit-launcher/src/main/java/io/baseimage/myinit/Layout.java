package io.baseimage.myinit;

import java.nio.file.Path;

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
    Path proc) {

  /**
   * The paths of SPEC §3 under {@code root}: "/" in a container; a scratch tree for the build's
   * training run, which must not touch the build machine's /etc.
   */
  static Layout under(Path root, Settings settings) {
    return new Layout(
        in(root, "/etc/container_environment"),
        in(root, "/etc/container_environment.sh"),
        in(root, "/etc/container_environment.json"),
        in(root, settings.initDirectory().toString()),
        in(root, "/etc/rc.local"),
        in(root, "/etc/my_init.pre_shutdown.d"),
        in(root, "/etc/my_init.post_shutdown.d"),
        in(root, "/etc/service"),
        Path.of("/proc"));
  }

  private static Path in(Path root, String absolute) {
    return root.resolve(absolute.substring(absolute.startsWith("/") ? 1 : 0));
  }
}
