package io.baseimage.startup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SignalNamesTest {
  @ParameterizedTest
  @CsvSource({
    "1, SIGHUP",
    "2, SIGINT",
    "3, SIGQUIT",
    "9, SIGKILL",
    "10, SIGUSR1",
    "12, SIGUSR2",
    "15, SIGTERM",
    "17, SIGCHLD",
    "19, SIGSTOP",
    "28, SIGWINCH",
    "30, SIGPWR",
    "31, SIGSYS",
    "34, SIGRTMIN+0",
    "35, SIGRTMIN+1",
    "64, SIGRTMIN+30",
    "0, signal 0",
    "32, signal 32",
    "33, signal 33",
    "65, signal 65",
    "-1, signal -1",
  })
  void namesSignalsAsKillDashLDoesWithTheSigPrefix(int signal, String name) {
    assertThat(SignalNames.name(signal)).isEqualTo(name);
  }
}
