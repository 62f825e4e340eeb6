package io.baseimage.myinit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OptionsTest {
  private static Options parse(String... args) throws UsageException {
    return Options.parse(Arrays.stream(args).map(a -> a.getBytes(StandardCharsets.UTF_8)).toList());
  }

  private static List<String> command(Options options) {
    return options.command().stream().map(a -> new String(a, StandardCharsets.UTF_8)).toList();
  }

  /**
   * Flags as letters: s skip-startup-files, r skip-runit, k kill all on exit, q quiet, h help, v
   * version, t status.
   */
  private static String flags(Options o) {
    return (o.skipStartupFiles() ? "s" : "")
        + (o.skipRunit() ? "r" : "")
        + (o.killAllOnExit() ? "k" : "")
        + (o.quiet() ? "q" : "")
        + (o.help() ? "h" : "")
        + (o.version() ? "v" : "")
        + (o.status() ? "t" : "");
  }

  @ParameterizedTest(name = "[{0}] -> flags {1}, command [{2}]")
  @CsvSource(
      delimiter = '|',
      value = {
        // arguments (space-separated)                 | flags | command
        "''                                            | k     | ''",
        "--skip-startup-files                          | sk    | ''",
        "--skip-runit -- cmd                           | rk    | cmd",
        "--no-kill-all-on-exit                         | ''    | ''",
        "--quiet                                       | kq    | ''",
        "--help                                        | kh    | ''",
        "-h                                            | kh    | ''",
        "--version                                     | kv    | ''",
        "--skip-startup-files --skip-runit --no-kill-all-on-exit --quiet -- a b | srq | a b",
        "-- bash -l                                    | k     | bash -l",
        "-- --quiet                                    | k     | --quiet",
        "-- -- x                                       | k     | -- x",
        "--                                            | k     | ''",
        "bash -l                                       | k     | bash -l",
        "--quiet bash --skip-runit                     | kq    | bash --skip-runit",
        "- x                                           | k     | - x",
        "--quiet --quiet                               | kq    | ''",
        "--status                                      | kt    | ''",
        "--status --status                             | kt    | ''",
        "--status --                                   | kt    | ''",
      })
  void parsesOptionsAndTheCommand(String args, String flags, String command) throws Exception {
    Options options = parse(args.isBlank() ? new String[0] : args.trim().split(" +"));

    assertThat(flags(options)).isEqualTo(flags);
    assertThat(String.join(" ", command(options))).isEqualTo(command);
    assertThat(options.hasCommand()).isEqualTo(!command.isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"--bogus", "-x", "--skip-runit=1", "--Quiet", "---"})
  void rejectsAnUnknownOptionNamingIt(String option) {
    assertThatThrownBy(() -> parse("--quiet", option, "--", "cmd"))
        .isInstanceOf(UsageException.class)
        .hasMessage("unrecognized option '" + option + "'");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--status --quiet",
        "--quiet --status",
        "--help --status",
        "--status --version",
        "--status --skip-runit",
        "--status -- cmd",
        "--status cmd",
        "--status -"
      })
  void statusTakesNoOtherOptionAndNoCommand(String args) {
    assertThatThrownBy(() -> parse(args.split(" ")))
        .isInstanceOf(UsageException.class)
        .hasMessage("--status takes no other option and no command");
  }

  @Test
  void statusAfterTheCommandIsTheCommandsArgument() throws Exception {
    Options options = parse("--", "cmd", "--status");

    assertThat(options.status()).isFalse();
    assertThat(command(options)).containsExactly("cmd", "--status");
  }

  @Test
  void keepsTheCommandsBytesExactly() throws Exception {
    byte[] latin1 = {'c', (byte) 0xe9};
    Options options = Options.parse(List.of("--".getBytes(StandardCharsets.UTF_8), latin1));

    assertThat(options.command()).singleElement().isEqualTo(latin1);
  }

  @Test
  void usageNamesEveryOptionAndSetting() {
    assertThat(Options.USAGE)
        .contains(
            "--skip-startup-files",
            "--skip-runit",
            "--no-kill-all-on-exit",
            "--quiet",
            "--help",
            "--version",
            "--status",
            "KILL_PROCESS_TIMEOUT",
            "KILL_ALL_PROCESSES_TIMEOUT",
            "ENV_INIT_DIRECTORY",
            "MY_INIT_SCRIPT_TIMEOUT");
  }
}
