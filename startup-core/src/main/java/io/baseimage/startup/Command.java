package io.baseimage.startup;

import io.baseimage.env.ContainerEnvironment;
import io.baseimage.env.internal.FileNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A program to start: its arguments as exact bytes (the first is the program, found on the
 * environment's {@code PATH} unless it holds a {@code /}) and its whole environment.
 *
 * @param argv the program and its arguments; not empty
 * @param environment the child's environment, exactly
 * @param ownProcessGroup whether the child leads a process group of its own, so that signals a
 *     terminal sends to ours (Ctrl-C) do not reach it
 * @param directory where the child starts; empty for ours
 */
public record Command(
    List<byte[]> argv,
    ContainerEnvironment environment,
    boolean ownProcessGroup,
    Optional<Path> directory) {
  public Command {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("a command needs at least a program name");
    }
  }

  /** A command that starts in our directory. */
  public Command(List<byte[]> argv, ContainerEnvironment environment, boolean ownProcessGroup) {
    this(argv, environment, ownProcessGroup, Optional.empty());
  }

  public static Command of(ContainerEnvironment environment, String... argv) {
    List<byte[]> bytes = new ArrayList<>(argv.length);
    for (String arg : argv) {
      bytes.add(arg.getBytes(StandardCharsets.UTF_8));
    }
    return new Command(bytes, environment, false);
  }

  public Command inOwnProcessGroup() {
    return new Command(argv, environment, true, directory);
  }

  /** This command, started in {@code directory}: runit starts a service's scripts in its own. */
  public Command inDirectory(Path directory) {
    return new Command(argv, environment, ownProcessGroup, Optional.of(directory));
  }

  /**
   * The program and its arguments for a log line: {@code /bin/ls -l}; bytes that are not UTF-8 as
   * {@code \xNN}.
   */
  public String displayName() {
    StringBuilder name = new StringBuilder();
    for (byte[] arg : argv) {
      if (name.length() > 0) {
        name.append(' ');
      }
      name.append(FileNames.display(arg));
    }
    return name.toString();
  }
}
