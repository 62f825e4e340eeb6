package io.baseimage.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The project's Markdown documents: README.md and docs/. */
final class Docs {
  static final Path REPOSITORY =
      Path.of(System.getProperty("baseimage.basedir", "."))
          .toAbsolutePath()
          .normalize()
          .getParent();

  private Docs() {}

  static List<Path> documents() {
    List<Path> documents = new ArrayList<>(List.of(REPOSITORY.resolve("README.md")));
    try (Stream<Path> files = Files.walk(REPOSITORY.resolve("docs"))) {
      files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return documents;
  }

  /** The fenced blocks of {@code document} whose info string is {@code info}. */
  static List<String> blocks(Path document, String info) throws IOException {
    List<String> blocks = new ArrayList<>();
    StringBuilder block = null;
    for (String line : Files.readAllLines(document)) {
      if (block == null && line.equals("```" + info)) {
        block = new StringBuilder();
      } else if (block != null && line.equals("```")) {
        blocks.add(block.toString());
        block = null;
      } else if (block != null) {
        block.append(line).append('\n');
      }
    }
    return blocks;
  }
}
