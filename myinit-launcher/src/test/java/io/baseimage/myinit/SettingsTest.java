package io.baseimage.myinit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baseimage.env.ContainerEnvironment;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
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

  /** What the settings accepted when BigDecimal read them, the oracle here. */
  private static long nanosAsBigDecimalReadsThem(String text) {
    try {
      BigDecimal seconds = new BigDecimal(text);
      if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(86_400L * 365)) > 0) {
        return -1;
      }
      return seconds.movePointRight(9).longValue();
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "5",
        "5.",
        ".5",
        "+.5",
        "-0",
        "-0.0",
        "+0",
        "00012.5000",
        "1e1",
        "1E+2",
        "25e-1",
        "1e-9",
        "1e-10",
        "0.0000000019",
        "31536000",
        "31536000.000000001",
        "3.1536e7",
        "315360000000000000000e-13",
        "1e",
        "1e+",
        "e5",
        ".",
        "+",
        "-",
        "1.2.3",
        "1e1.5",
        " 5",
        "5 ",
        "0x10",
        "-1e-10",
        "0e5",
        "0e9999999999",
        "31536000.0000000001",
        "31536000.00000000000",
        "1e2147483647",
        "123456789012345678901234567890e-30",
        "9999999999999999999999999999999999999999"
      })
  void readsNumbersAsBigDecimalDid(String text) {
    assertThat(Settings.nanosOf(text)).isEqualTo(nanosAsBigDecimalReadsThem(text));
  }

  @Test
  void readsRandomNumbersAsBigDecimalDid() {
    Random random = new Random(17);
    String alphabet = "0123456789.eE+-";
    for (int i = 0; i < 100_000; i++) {
      StringBuilder text = new StringBuilder();
      int length = 1 + random.nextInt(12);
      for (int j = 0; j < length; j++) {
        // Mostly digits, so that many of them are numbers.
        text.append(
            random.nextInt(3) == 0
                ? alphabet.charAt(10 + random.nextInt(5))
                : alphabet.charAt(random.nextInt(10)));
      }
      String number = text.toString();
      assertThat(Settings.nanosOf(number)).as(number).isEqualTo(nanosAsBigDecimalReadsThem(number));
    }
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
