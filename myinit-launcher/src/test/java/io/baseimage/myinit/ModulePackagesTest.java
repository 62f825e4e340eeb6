package io.baseimage.myinit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** STYLE: module name = root package. */
class ModulePackagesTest {
  private static final Path SOURCES = Path.of("src/main/java");

  private static ModuleDescriptor descriptor() throws Exception {
    Path classes = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
      return ModuleDescriptor.read(in);
    }
  }

  private static Set<String> sourcePackages() throws Exception {
    Set<String> packages = new TreeSet<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      files.filter(file -> file.toString().endsWith(".java"))
          .filter(file -> !file.getFileName().toString().equals("module-info.java"))
          .forEach(file -> packages.add(SOURCES.relativize(file.getParent()).toString().replace('/', '.')));
    }
    return packages;
  }

  @Test
  void moduleNameIsTheRootPackage() throws Exception {
    assertThat(descriptor().name()).isEqualTo("io.baseimage.myinit");
    assertThat(Main.class.getPackageName()).isEqualTo(descriptor().name());
  }

  @Test
  void everyPackageStartsWithTheModuleName() throws Exception {
    String module = descriptor().name();

    assertThat(sourcePackages()).isNotEmpty()
        .allSatisfy(pkg -> assertThat(pkg.equals(module) || pkg.startsWith(module + "."))
            .as("package %s of module %s", pkg, module).isTrue());
  }

  @Test
  void exportsOnlyItsOwnPackage() throws Exception {
    assertThat(descriptor().exports()).extracting(ModuleDescriptor.Exports::source)
        .containsExactly("io.baseimage.myinit");
  }
}
