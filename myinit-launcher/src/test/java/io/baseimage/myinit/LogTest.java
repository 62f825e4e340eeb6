package io.baseimage.myinit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LogTest {
  static Stream<Arguments> controlCharacters() {
    return Stream.of(
        Arguments.of("plain text", "plain text"),
        Arguments.of("tab\tkept", "tab\tkept"),
        Arguments.of("a\nb", "a\\nb"),
        Arguments.of("a\r\nb", "a\\r\\nb"),
        Arguments.of("\u001b[31mred", "\\x1b[31mred"),
        Arguments.of("nul\u0000del\u007f", "nul\\x00del\\x7f"),
        Arguments.of("csi\u009b2J", "csi\\u009b2J"),
        Arguments.of("café, \uFFFD kept", "café, \uFFFD kept"));
  }

  @ParameterizedTest
  @MethodSource("controlCharacters")
  void escapesControlCharacters(String text, String shown) {
    assertThat(Log.printable(text)).isEqualTo(shown);
  }

  @Test
  void aMessageCannotForgeASecondLine() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    new Log(err, Log.Level.INFO).warn("FOO\n*** Init system aborted.: not written");

    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("*** WARNING: FOO\\n*** Init system aborted.: not written\n");
  }

  private static String logAt(Log.Level level) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Log log = new Log(err, level);
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void eachLevelAddsToTheOneBefore() {
    assertThat(logAt(Log.Level.ERROR)).isEqualTo("*** e\n");
    assertThat(logAt(Log.Level.WARN)).isEqualTo("*** WARNING: w\n*** e\n");
    assertThat(logAt(Log.Level.INFO)).isEqualTo("*** i\n*** WARNING: w\n*** e\n");
    assertThat(logAt(Log.Level.DEBUG)).isEqualTo("*** DEBUG: d\n*** i\n*** WARNING: w\n*** e\n");
  }

  @Test
  void quietCapsTheLevelAtWarn() {
    assertThat(Log.Level.of(Optional.empty(), false)).isEqualTo(Log.Level.INFO);
    assertThat(Log.Level.of(Optional.empty(), true)).isEqualTo(Log.Level.WARN);
    assertThat(Log.Level.of(Optional.of(Log.Level.DEBUG), true)).isEqualTo(Log.Level.WARN);
    assertThat(Log.Level.of(Optional.of(Log.Level.ERROR), true)).isEqualTo(Log.Level.ERROR);
    assertThat(Log.Level.of(Optional.of(Log.Level.DEBUG), false)).isEqualTo(Log.Level.DEBUG);
  }
}
