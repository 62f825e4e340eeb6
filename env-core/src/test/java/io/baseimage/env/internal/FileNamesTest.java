package io.baseimage.env.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.baseimage.env.ByteString;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileNamesTest {
  private static final byte[] LATIN1_CAFE = {'c', 'a', 'f', (byte) 0xe9};

  @TempDir Path dir;

  @Test
  void aPathMadeFromBytesHasExactlyThoseBytes() throws Exception {
    byte[] bytes =
        join(FileNames.bytesOf(dir), "/10-".getBytes(StandardCharsets.UTF_8), LATIN1_CAFE);

    Path path = FileNames.pathOf(bytes);
    Files.writeString(path, "x");

    assertThat(FileNames.bytesOf(path)).isEqualTo(bytes);
    try (var entries = Files.list(dir)) {
      assertThat(entries.map(FileNames::nameOf))
          .containsExactly(
              ByteString.of(join("10-".getBytes(StandardCharsets.UTF_8), LATIN1_CAFE)));
    }
  }

  @Test
  void resolvesANameOfAnyBytesInADirectory() {
    ByteString name = ByteString.of("café %41 a+b".getBytes(StandardCharsets.UTF_8));

    Path file = FileNames.resolve(dir, name);

    assertThat(FileNames.nameOf(file)).isEqualTo(name);
    assertThat(FileNames.bytesOf(file.getParent())).isEqualTo(FileNames.bytesOf(dir));
    assertThat(FileNames.bytesOf(FileNames.resolve(Path.of("/"), ByteString.of("etc"))))
        .isEqualTo("/etc".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anAsciiPathIsItsTextWhetherOrNotItExists() throws Exception {
    // The ASCII fast path: no percent-decoding of '%', no '/' added or left for a directory.
    Path directory = Files.createDirectory(dir.resolve("a%41 b?+"));

    assertThat(FileNames.bytesOf(directory))
        .isEqualTo((dir + "/a%41 b?+").getBytes(StandardCharsets.US_ASCII));
    assertThat(FileNames.nameOf(directory)).isEqualTo(ByteString.of("a%41 b?+"));
    assertThat(FileNames.nameOf(dir.resolve("missing%2F"))).isEqualTo(ByteString.of("missing%2F"));
    assertThat(FileNames.bytesOf(Path.of("/"))).isEqualTo(new byte[] {'/'});
  }

  @Test
  void aRelativePathIsUnderTheWorkingDirectory() {
    assertThat(FileNames.bytesOf(FileNames.pathOf("bin".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(FileNames.bytesOf(Path.of("bin")));
  }

  @Test
  void displaysControlCharactersEscapedSoThatANameCannotBreakALogLine() {
    assertThat(FileNames.display("A\r\nB\tC\u0001D\u007fE\u0085F".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("A\\r\\nB\\tC\\x01D\\x7fE\\u0085F");
  }

  @Test
  void displaysValidUtf8AsTextAndOtherBytesEscaped() {
    assertThat(FileNames.display("/etc/my_init.d/10-café".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("/etc/my_init.d/10-café");
    assertThat(FileNames.display(join("20-".getBytes(StandardCharsets.UTF_8), LATIN1_CAFE)))
        .isEqualTo("20-caf\\xe9");
  }

  private static byte[] join(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] joined = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, joined, at, part.length);
      at += part.length;
    }
    return joined;
  }
}
