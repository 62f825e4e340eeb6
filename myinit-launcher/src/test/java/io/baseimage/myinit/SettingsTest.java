package io.baseimage.myinit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baseimage.env.ContainerEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsTest {
  private static Settings from(Map<String, String> variables) throws SettingsException {
    return Settings.from(ContainerEnvironment.of(variables));
  }

  @Test
  void hasTheDocumentedDefaults() throws Exception {
    Settings settings = from(Map.of("PATH", "/bin"));

    assertThat(settings.killProcessTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.killAllProcessesTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.shutdownTimeout())
        .as("below docker's 10 s")
        .isEqualTo(Duration.ofSeconds(9));
    assertThat(settings.initDirectory()).isEqualTo(Path.of("/etc/my_init.d"));
    assertThat(settings.scriptTimeout()).isEmpty();
    assertThat(settings.shutdownScriptTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void waitingForServicesZeroSecondsIsNotWaiting() throws Exception {
    assertThat(from(Map.of("MY_INIT_WAIT_FOR_SERVICES", "0")).waitForServices()).isEmpty();
    assertThat(from(Map.of()).waitForServices()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "5, PT5S",
    "0, PT0S",
    "0.5, PT0.5S",
    ".25, PT0.25S",
    "1.000000001, PT1.000000001S",
    "' 3 ', PT3S",
    "1e1, PT10S",
    "86400, PT24H",
  })
  void readsSecondsWithDecimals(String value, String expected) throws Exception {
    Settings settings = from(Map.of("KILL_PROCESS_TIMEOUT", value));

    assertThat(settings.killProcessTimeout()).isEqualTo(Duration.parse(expected));
  }

  @Test
  void readsEverySetting() throws Exception {
    Settings settings =
        from(
            Map.of(
                "KILL_PROCESS_TIMEOUT", "2",
                "KILL_ALL_PROCESSES_TIMEOUT", "0.1",
                "MY_INIT_SHUTDOWN_TIMEOUT", "25",
                "ENV_INIT_DIRECTORY", "/opt/init.d",
                "MY_INIT_SCRIPT_TIMEOUT", "30",
                "MY_INIT_WAIT_FOR_SERVICES", "60"));

    assertThat(settings)
        .isEqualTo(
            new Settings(
                Duration.ofSeconds(2),
                Duration.ofMillis(100),
                Duration.ofSeconds(25),
                Path.of("/opt/init.d"),
                Optional.of(Duration.ofSeconds(30)),
                Optional.empty(),
                Optional.of(Duration.ofSeconds(60))));
    assertThat(settings.shutdownScriptTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "KILL_PROCESS_TIMEOUT",
        "KILL_ALL_PROCESSES_TIMEOUT",
        "MY_INIT_SHUTDOWN_TIMEOUT",
        "MY_INIT_SCRIPT_TIMEOUT",
        "MY_INIT_WAIT_FOR_SERVICES"
      })
  void rejectsAMalformedNumberNamingTheVariable(String name) {
    for (String value :
        new String[] {"abc", "5s", "-1", "-0.5", "", " ", "1,5", "NaN", "0x10", "99999999999"}) {
      assertThatThrownBy(() -> from(Map.of(name, value)))
          .as("%s=%s", name, value)
          .isInstanceOf(SettingsException.class)
          .hasMessage(
              "invalid "
                  + name
                  + " '"
                  + value
                  + "': expected a number of seconds, for example 5 or 0.5");
    }
  }

  @Test
  void readsTheLogLevelInAnyCase() throws SettingsException {
    assertThat(from(Map.of()).logLevel()).isEmpty();
    assertThat(from(Map.of("MY_INIT_LOG_LEVEL", "debug")).logLevel()).contains(Log.Level.DEBUG);
    assertThat(from(Map.of("MY_INIT_LOG_LEVEL", "WARN")).logLevel()).contains(Log.Level.WARN);
  }

  @Test
  void rejectsAnUnknownLogLevel() {
    for (String value : new String[] {"verbose", "", "2", "warning"}) {
      assertThatThrownBy(() -> from(Map.of("MY_INIT_LOG_LEVEL", value)))
          .isInstanceOf(SettingsException.class)
          .hasMessage(
              "invalid MY_INIT_LOG_LEVEL '" + value + "': expected error, warn, info or debug");
    }
  }

  @Test
  void rejectsAnEmptyInitDirectory() {
    assertThatThrownBy(() -> from(Map.of("ENV_INIT_DIRECTORY", "")))
        .isInstanceOf(SettingsException.class)
        .hasMessage("invalid ENV_INIT_DIRECTORY '': expected a directory");
  }
}
