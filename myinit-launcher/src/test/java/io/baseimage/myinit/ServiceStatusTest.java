package io.baseimage.myinit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceStatusTest {
  @TempDir Path service;

  private static final Instant SINCE = Instant.parse("2026-12-02T05:14:49.869824Z");

  @Test
  void readsRunsvsRecordOfARunningService() {
    assertThat(ServiceStatus.parse(ServiceStatus.format(0x01020304, 'u', 1, SINCE)))
        .contains(new ServiceStatus(0x01020304, true, 1, SINCE));
  }

  @Test
  void readsTheTimeAsRunitWritesIt() {
    // runit 2.1.2's record of a service that `sv down` stopped, taken from a real runsv.
    byte[] record = HexFormat.of().parseHex("400000006b0fa95636a4af840000000000640000");

    assertThat(ServiceStatus.parse(record))
        .contains(new ServiceStatus(0, false, 0, Instant.parse("2026-12-02T05:14:52.916762500Z")));
  }

  @Test
  void aServiceIsDownOnlyWithNeitherRunNorFinishRunning() {
    assertThat(new ServiceStatus(0, false, ServiceStatus.DOWN, SINCE).isDown()).isTrue();
    assertThat(new ServiceStatus(0, true, ServiceStatus.DOWN, SINCE).isDown())
        .as("a crash loop between two runs")
        .isTrue();
    assertThat(new ServiceStatus(77, false, 1, SINCE).isDown()).isFalse();
    assertThat(new ServiceStatus(78, false, 2, SINCE).isDown())
        .as("its finish script runs")
        .isFalse();
  }

  @Test
  void aMissingOrShortRecordTellsNothing() throws Exception {
    assertThat(ServiceStatus.of(service)).isEmpty();
    Files.createDirectories(service.resolve("supervise"));
    Files.write(service.resolve("supervise/status"), new byte[19]);
    assertThat(ServiceStatus.of(service)).isEmpty();
    Files.write(service.resolve("supervise/status"), ServiceStatus.format(0, 'd', 0, SINCE));
    assertThat(ServiceStatus.of(service))
        .isEqualTo(Optional.of(new ServiceStatus(0, false, 0, SINCE)));
  }
}
