package io.baseimage.testing;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** A module's descriptor and source packages, for the STYLE rule "module name = root package". */
public final class ModuleSources {
  private static final Path SOURCES = Path.of("src/main/java");

  private ModuleSources() {}

  /** The compiled descriptor of the module that holds {@code type}. */
  public static ModuleDescriptor descriptorOf(Class<?> type)
      throws IOException, URISyntaxException {
    Path classes = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
      return ModuleDescriptor.read(in);
    }
  }

  /** The packages of the module's sources (the module directory is the working directory). */
  public static Set<String> sourcePackages() throws IOException {
    Set<String> packages = new TreeSet<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      files
          .filter(file -> file.toString().endsWith(".java"))
          .filter(file -> !file.getFileName().toString().equals("module-info.java"))
          .forEach(
              file ->
                  packages.add(SOURCES.relativize(file.getParent()).toString().replace('/', '.')));
    }
    return packages;
  }
}
