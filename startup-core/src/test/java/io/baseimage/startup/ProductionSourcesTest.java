package io.baseimage.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code java.lang.Process} has a reaper thread of its own that races ours for exit statuses
 * (docs/architecture.md, "The process layer"): no production code of the repository may start
 * processes with it.
 */
class ProductionSourcesTest {
  /**
   * The repository: the outermost directory with a pom.xml above the module directory we run in.
   */
  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir.getParent() != null && Files.isRegularFile(dir.getParent().resolve("pom.xml"))) {
      dir = dir.getParent();
    }
    return dir;
  }

  static List<Path> productionSources(Path root) throws IOException {
    List<Path> sources = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
            String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
            // Build output (jlink runtimes, unpacked root file systems) and VCS data hold no
            // sources.
            return !dir.equals(root) && (name.equals("target") || name.startsWith("."))
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
            if (file.toString().endsWith(".java")
                && root.relativize(file).toString().matches("(.+/)?src/main/java/.*")) {
              sources.add(file);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE;
          }
        });
    sources.sort(null);
    return sources;
  }

  @Test
  void findsTheRepositoryAndItsProductionSources() throws Exception {
    Path root = repositoryRoot();

    assertThat(root.resolve("startup-core/pom.xml")).isRegularFile();
    assertThat(productionSources(root))
        .contains(root.resolve("startup-core/src/main/java/io/baseimage/startup/Reaper.java"))
        .anyMatch(file -> file.startsWith(root.resolve("myinit-launcher")));
  }

  @Test
  void noProductionCodeStartsProcessesThroughJavaLangProcess() throws Exception {
    Path root = repositoryRoot();

    for (Path file : productionSources(root)) {
      String source = Files.readString(file, StandardCharsets.UTF_8);
      assertThat(source)
          .as("%s must spawn through ProcessControl, not java.lang.Process", root.relativize(file))
          .doesNotContain("ProcessBuilder")
          .doesNotContain("Runtime.getRuntime().exec");
    }
  }
}
