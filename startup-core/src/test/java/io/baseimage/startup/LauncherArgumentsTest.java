package io.baseimage.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The arguments come from this JVM's own {@code /proc/self/cmdline}: the last entries, as many as
 * {@code main} got. The test JVM's command line stands in for my_init's.
 */
class LauncherArgumentsTest {
  private static final String SHEBANG = "baseimage.launcher.shebang";

  @AfterEach
  void clearFlag() {
    System.clearProperty(SHEBANG);
  }

  private static List<String> cmdline() throws Exception {
    byte[] bytes = Files.readAllBytes(Path.of("/proc/self/cmdline"));
    List<String> entries = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        entries.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    return entries;
  }

  private static List<String> text(List<byte[]> args) {
    return args.stream().map(arg -> new String(arg, StandardCharsets.UTF_8)).toList();
  }

  @Test
  void takesTheLastEntriesOfTheKernelsCommandLine() throws Exception {
    List<String> cmdline = cmdline();

    List<byte[]> args = LauncherArguments.of(new String[] {"?", "?"});

    assertThat(text(args)).isEqualTo(cmdline.subList(cmdline.size() - 2, cmdline.size()));
  }

  @Test
  void withTheShebangFlagDropsTheFirstArgumentTheShimsPath() throws Exception {
    List<String> cmdline = cmdline();
    System.setProperty(SHEBANG, "true");

    List<byte[]> args = LauncherArguments.of(new String[] {"/sbin/my_init", "?", "?"});

    assertThat(text(args)).isEqualTo(cmdline.subList(cmdline.size() - 2, cmdline.size()));
  }

  @Test
  void noArgumentsAreNoArgumentsWithOrWithoutTheFlag() {
    assertThat(LauncherArguments.of(new String[0])).isEmpty();
    System.setProperty(SHEBANG, "true");
    assertThat(LauncherArguments.of(new String[0])).isEmpty();
  }
}
