package com.example.consumer;

import io.baseimage.env.ContainerEnvironment;
import io.baseimage.env.EnvironmentDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * An application of env-core's users: compiled for Java 17 against the built jar and run on a Java
 * 17 JVM, from the module path and from the class path, by {@code .ci/consumer-jdk17.sh}, which
 * compares the one line it prints. It uses only the API that stays stable.
 *
 * <p>{@code java ... com.example.consumer.Main ENVIRONMENT_DIRECTORY}
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws IOException {
    ContainerEnvironment env =
        ContainerEnvironment.of(Map.of("APP", "consumer")).with("MODE", "embedded");
    ContainerEnvironment fromDirectory = EnvironmentDirectory.read(Path.of(args[0])).value();
    Module library = ContainerEnvironment.class.getModule();
    System.out.println(
        "java="
            + Runtime.version().feature()
            + " env-core="
            + (library.isNamed() ? library.getName() : "class path")
            + " size="
            + env.size()
            + " MODE="
            + env.get("MODE").orElse("<none>")
            + " GREETING="
            + fromDirectory.get("GREETING").orElse("<none>")
            + " variables="
            + fromDirectory.size());
  }
}
