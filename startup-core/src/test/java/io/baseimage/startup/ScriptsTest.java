package io.baseimage.startup;

import static io.baseimage.testing.ScratchFiles.executable;
import static io.baseimage.testing.ScratchFiles.plainFile;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptsTest {
  @TempDir Path dir;

  private static List<String> names(List<Path> paths) {
    return paths.stream().map(p -> p.getFileName().toString()).toList();
  }

  @Test
  void listsExecutablesInByteOrderOfTheirNames() throws Exception {
    for (String name : List.of("b", "a", "B", "10-x", "9-y", "é", "Z", "_u", "a.sh")) {
      executable(dir, name);
    }

    List<Path> scripts = Scripts.inDirectory(dir);

    assertThat(names(scripts))
        .containsExactly("10-x", "9-y", "B", "Z", "_u", "a", "a.sh", "b", "é");
    assertThat(scripts).allMatch(p -> p.getParent().equals(dir));
  }

  @Test
  void skipsNonExecutableFilesAndDirectories() throws Exception {
    executable(dir, "run-me");
    plainFile(dir, "README");
    Files.createDirectory(
        dir.resolve("subdir"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));

    List<Path> scripts = Scripts.inDirectory(dir);

    assertThat(names(scripts)).containsExactly("run-me");
  }

  @Test
  void countsASymlinkToAnExecutableButNotOneToADirectoryOrNothing() throws Exception {
    Path target = executable(dir.resolve("elsewhere"), "real");
    Path scripts = Files.createDirectory(dir.resolve("scripts"));
    Files.createSymbolicLink(scripts.resolve("linked"), target);
    Files.createSymbolicLink(scripts.resolve("to-dir"), dir.resolve("elsewhere"));
    Files.createSymbolicLink(scripts.resolve("dangling"), dir.resolve("nothing"));

    assertThat(names(Scripts.inDirectory(scripts))).containsExactly("linked");
  }

  @Test
  void findsNothingInAMissingDirectory() throws Exception {
    assertThat(Scripts.inDirectory(dir.resolve("missing"))).isEmpty();
  }

  @Test
  void findsNothingWhenThePathIsAFile() throws Exception {
    assertThat(Scripts.inDirectory(plainFile(dir, "file"))).isEmpty();
  }

  @Test
  void anExecutableFileIsARegularFileWithAnExecuteBit() throws Exception {
    assertThat(Scripts.isExecutableFile(executable(dir, "x"))).isTrue();
    assertThat(Scripts.isExecutableFile(plainFile(dir, "y"))).isFalse();
    assertThat(Scripts.isExecutableFile(dir)).isFalse();
    assertThat(Scripts.isExecutableFile(dir.resolve("missing"))).isFalse();
  }
}
