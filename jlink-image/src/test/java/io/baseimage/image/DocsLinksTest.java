package io.baseimage.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every relative link of the documentation leads somewhere: a file, and an anchor in it. */
class DocsLinksTest {
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern NAMED_ANCHOR = Pattern.compile("<a name=\"([^\"]+)\">");

  @Test
  void everyRelativeLinkResolves() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path document : Docs.documents()) {
      Matcher link = LINK.matcher(Files.readString(document));
      while (link.find()) {
        String target = link.group(1);
        if (target.matches("[a-z]+:.*")) {
          continue;
        }
        String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
        String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
        Path resolved = file.isEmpty() ? document : document.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(Docs.REPOSITORY.relativize(document) + ": " + target + " (no such file)");
        } else if (anchor != null && !anchors(resolved).contains(anchor)) {
          broken.add(Docs.REPOSITORY.relativize(document) + ": " + target + " (no such anchor)");
        }
      }
    }
    assertThat(broken).isEmpty();
  }

  @Test
  void documentsExist() {
    assertThat(Docs.documents())
        .extracting(p -> p.getFileName().toString())
        .contains(
            "README.md",
            "user-guide.md",
            "operations.md",
            "embedding-env-core.md",
            "architecture.md",
            "benchmarks.md");
  }

  /** Named anchors and GitHub's heading anchors of a Markdown file. */
  private static Set<String> anchors(Path file) throws IOException {
    Set<String> anchors = new HashSet<>();
    if (!file.toString().endsWith(".md")) {
      return anchors;
    }
    String text = Files.readString(file);
    Matcher named = NAMED_ANCHOR.matcher(text);
    while (named.find()) {
      anchors.add(named.group(1));
    }
    for (String line : text.split("\n")) {
      if (line.startsWith("#")) {
        anchors.add(
            line.replaceFirst("^#+\\s*", "")
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9 _-]", "")
                .replace(' ', '-'));
      }
    }
    return anchors;
  }
}
