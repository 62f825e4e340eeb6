package io.baseimage.myinit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The state file's time, written and read as java.time's ISO_INSTANT does, without it. */
class IsoInstantTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "1970-01-01T00:00:00Z",
        "2026-12-02T05:30:00Z",
        "2026-12-02T05:30:00.100Z",
        "2026-12-02T05:30:00.123456Z",
        "2026-12-02T05:30:00.000000001Z",
        "2024-02-29T23:59:59.999999999Z",
        "1969-12-31T23:59:59.500Z",
        "2000-02-29T12:00:00Z",
        "2100-03-01T00:00:00Z",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z"
      })
  void writesAndReadsAsInstantDoes(String text) {
    Instant instant = Instant.parse(text);

    assertThat(IsoInstant.format(instant)).isEqualTo(instant.toString()).isEqualTo(text);
    assertThat(IsoInstant.parse(text)).isEqualTo(instant);
    assertThat(IsoInstant.formatSeconds(instant)).isEqualTo(text.substring(0, 19) + "Z");
  }

  @Test
  void everyDayOfFourHundredYearsIsAsInstantSaysIt() {
    // A whole Gregorian cycle around the epoch, one instant a day.
    for (long day = -73_000; day < 73_000; day++) {
      Instant instant = Instant.ofEpochSecond(day * 86_400 + 3_723, 5_000_000);
      assertThat(IsoInstant.format(instant)).isEqualTo(instant.toString());
      assertThat(IsoInstant.parse(instant.toString())).isEqualTo(instant);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1.5Z",
        "2026-12-02T05:30:00.Z",
        "2026-12-02T05:30:00+01:00",
        "2026-13-02T05:30:00Z",
        "2026-12-02T24:00:00Z",
        "2026-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-12-02 05:30:00Z",
        "2026-12-02T05:30:00.1234567890Z",
        "２026-12-02T05:30:00Z"
      })
  void rejectsAnythingElseNamingIt(String text) {
    assertThatThrownBy(() -> IsoInstant.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not an ISO-8601 UTC time: '" + text + "'");
  }
}
