package io.baseimage.env;

import java.nio.file.Path;

/**
 * Run by {@link NoLocaleTest} in a JVM started with an empty environment (no LANG, as in most
 * containers): removes a writer's leftovers from a directory, copies it through the library and an
 * environment string out of /proc/self/environ, to show that nothing depends on the locale.
 */
final class NoLocaleMain {
  private NoLocaleMain() {}

  public static void main(String[] args) throws Exception {
    EnvironmentDirectory.removeLeftovers(Path.of(args[0]));
    Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(Path.of(args[0]));
    read.problems().forEach(System.out::println);
    ContainerEnvironment env = read.value().overlaidWith(ContainerEnvironment.ofProcess());
    EnvironmentDirectory.write(Path.of(args[1]), env).forEach(System.out::println);
    DumpFile.write(Path.of(args[1] + ".sh"), ShellDump.format(env).bytes());
    System.out.println("sun.jnu.encoding=" + System.getProperty("sun.jnu.encoding"));
  }
}
