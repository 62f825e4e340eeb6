package io.baseimage.myinit;

import io.baseimage.env.ByteString;
import io.baseimage.env.ContainerEnvironment;
import io.baseimage.startup.Command;
import io.baseimage.startup.Executables;
import io.baseimage.startup.SpawnException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Commands of runit's programs. They are looked up on PATH plus /sbin and /usr/sbin, where
 * distributions put them, but run with the environment unchanged: services see the PATH the user
 * gave.
 */
final class Runit {
  private Runit() {}

  static Command command(ContainerEnvironment env, String program, List<byte[]> args)
      throws SpawnException {
    String path = env.getBytes("PATH").map(ByteString::toString).orElse("");
    ContainerEnvironment lookup =
        env.with(
            "PATH",
            path.isEmpty() ? Executables.DEFAULT_PATH : path + ":" + Executables.DEFAULT_PATH);
    List<byte[]> argv = new ArrayList<>();
    argv.add(Executables.resolve(program.getBytes(StandardCharsets.US_ASCII), lookup));
    argv.addAll(args);
    return new Command(argv, env, false);
  }
}
