package io.baseimage.startup;

import io.baseimage.env.internal.FileNames;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/** The scripts of a directory such as {@code /etc/my_init.d}: what runs, in which order. */
public final class Scripts {
  private Scripts() {}

  /**
   * Every regular executable file of {@code dir} (a symlink to one counts), in byte order of the
   * names. A missing directory has none.
   */
  public static List<Path> inDirectory(Path dir) throws IOException {
    return inDirectory(dir, skipped -> {});
  }

  /**
   * {@link #inDirectory(Path)}, handing each entry that is not run to {@code skipped}, for a debug
   * log.
   */
  public static List<Path> inDirectory(Path dir, Consumer<Path> skipped) throws IOException {
    List<Path> scripts = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        if (isExecutableFile(entry)) {
          scripts.add(entry);
        } else {
          skipped.accept(entry);
        }
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      return List.of();
    }
    scripts.sort((a, b) -> Arrays.compareUnsigned(nameBytes(a), nameBytes(b)));
    return scripts;
  }

  public static boolean isExecutableFile(Path file) {
    return Files.isRegularFile(file) && Files.isExecutable(file);
  }

  private static byte[] nameBytes(Path path) {
    return FileNames.nameOf(path).toByteArray();
  }
}
