package io.baseimage.env;

import static io.baseimage.env.Commands.bytes;
import static io.baseimage.env.Commands.concat;
import static io.baseimage.env.Commands.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerEnvironmentTest {
  @TempDir Path temp;

  @Test
  void parsesNulSeparatedEnviron() {
    ContainerEnvironment env = ContainerEnvironment.parseEnviron(utf8("A=1\0B=two words\0C=\0"));

    assertThat(env.asStringMap().value())
        .containsExactly(Map.entry("A", "1"), Map.entry("B", "two words"), Map.entry("C", ""));
  }

  @Test
  void keepsTheFirstOfDuplicateNames() {
    ContainerEnvironment env = ContainerEnvironment.parseEnviron(utf8("A=first\0B=x\0A=second\0"));

    assertThat(env.get("A")).hasValue("first");
  }

  @Test
  void ignoresStringsWithoutEqualsOrWithEmptyName() {
    ContainerEnvironment env =
        ContainerEnvironment.parseEnviron(utf8("JUNK\0=nameless\0A=1\0\0\0ALSO_JUNK"));

    assertThat(env.asStringMap().value()).containsExactly(Map.entry("A", "1"));
  }

  @Test
  void splitsAtTheFirstEquals() {
    ContainerEnvironment env = ContainerEnvironment.parseEnviron(utf8("A=b=c=\0"));

    assertThat(env.get("A")).hasValue("b=c=");
  }

  @Test
  void keepsBytesThatAreNotUtf8Exactly() {
    byte[] value = bytes(0xff, 0xfe, 'x', 0x80);
    byte[] name = bytes('N', 0xe9);
    byte[] environ = concat(utf8("V="), value, bytes(0), name, utf8("=h"), utf8("é"), bytes(0));

    ContainerEnvironment env = ContainerEnvironment.parseEnviron(environ);

    assertThat(env.getBytes("V").orElseThrow().toByteArray()).containsExactly(value);
    assertThat(env.get("V")).hasValue("\uFFFD\uFFFDx\uFFFD");
    assertThat(env.getBytes(ByteString.of(name)).orElseThrow().toByteArray())
        .containsExactly(utf8("hé"));
  }

  @Test
  void parsesTheLastStringWithoutNul() {
    assertThat(ContainerEnvironment.parseEnviron(utf8("A=1\0B=2")).get("B")).hasValue("2");
    assertThat(ContainerEnvironment.parseEnviron(new byte[0]).isEmpty()).isTrue();
  }

  @Test
  void readsTheProcessEnvironmentFromProcSelfEnviron() throws Exception {
    ContainerEnvironment env = ContainerEnvironment.ofProcess();

    assertThat(env)
        .isEqualTo(
            ContainerEnvironment.parseEnviron(Files.readAllBytes(Path.of("/proc/self/environ"))));
    // The test may look at the JVM's view; the library never does.
    assertThat(env.get("PATH")).isEqualTo(java.util.Optional.ofNullable(System.getenv("PATH")));
  }

  @Test
  void readsAnEnvironFile() throws Exception {
    Path environ = temp.resolve("environ");
    Files.write(environ, concat(utf8("X="), bytes(0xff), bytes(0)));

    assertThat(ContainerEnvironment.ofProcess(environ).getBytes("X").orElseThrow().toByteArray())
        .containsExactly(0xff - 256);
  }

  @Test
  void writesEnvironStringsSortedByName() {
    ContainerEnvironment env = ContainerEnvironment.of(Map.of("b", "2", "A", "1", "a", "x=y"));

    assertThat(env.toEnviron()).containsExactly(utf8("A=1"), utf8("a=x=y"), utf8("b=2"));
  }

  @Test
  void rejectsNameWithEquals() {
    assertThatThrownBy(() -> ContainerEnvironment.of(Map.of("A=B", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'A=B'");
  }

  @Test
  void rejectsEmptyNameAndNulBytes() {
    assertThatThrownBy(() -> ContainerEnvironment.empty().with("", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ContainerEnvironment.empty().with("A\0B", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ContainerEnvironment.empty().with("A", "x\0y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NUL");
  }

  @Test
  void overlayReplacesAndAdds() {
    ContainerEnvironment bottom = ContainerEnvironment.of(Map.of("A", "1", "B", "2"));
    ContainerEnvironment top = ContainerEnvironment.of(Map.of("B", "two", "C", "3"));

    assertThat(bottom.overlaidWith(top).asStringMap().value())
        .containsExactly(Map.entry("A", "1"), Map.entry("B", "two"), Map.entry("C", "3"));
  }

  @Test
  void isImmutable() {
    ContainerEnvironment env = ContainerEnvironment.of(Map.of("A", "1"));
    ContainerEnvironment changed = env.with("B", "2").without("A");

    assertThat(env.asStringMap().value()).containsOnlyKeys("A");
    assertThat(changed.asStringMap().value()).containsOnlyKeys("B");
    assertThatThrownBy(() -> env.asMap().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(env.without("missing")).isSameAs(env);
  }

  @Test
  void offersStringAndByteViews() {
    ContainerEnvironment env =
        ContainerEnvironment.ofBytes(
            Map.of(ByteString.of("V"), ByteString.of(bytes('h', 0xc3, 0xa9, 0xff))));

    assertThat(env.get("V")).hasValue("hé\uFFFD");
    assertThat(env.getBytes("V").orElseThrow().toByteArray())
        .containsExactly(bytes('h', 0xc3, 0xa9, 0xff));
    assertThat(env.contains("V")).isTrue();
    assertThat(env.get("missing")).isEmpty();
    assertThat(List.copyOf(env.asMap().keySet())).containsExactly(ByteString.of("V"));
  }
}
