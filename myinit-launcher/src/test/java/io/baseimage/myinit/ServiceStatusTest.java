package io.baseimage.myinit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceStatusTest {
  @TempDir Path service;

  @Test
  void readsRunsvsRecordOfARunningService() {
    assertThat(ServiceStatus.parse(MyInitTest.status(0x01020304, 'u', 1)))
        .contains(new ServiceStatus(0x01020304, true, 1));
  }

  @Test
  void aServiceIsDownOnlyWithNeitherRunNorFinishRunning() {
    assertThat(new ServiceStatus(0, false, ServiceStatus.DOWN).isDown()).isTrue();
    assertThat(new ServiceStatus(0, true, ServiceStatus.DOWN).isDown())
        .as("a crash loop between two runs")
        .isTrue();
    assertThat(new ServiceStatus(77, false, 1).isDown()).isFalse();
    assertThat(new ServiceStatus(78, false, 2).isDown()).as("its finish script runs").isFalse();
  }

  @Test
  void aMissingOrShortRecordTellsNothing() throws Exception {
    assertThat(ServiceStatus.of(service)).isEmpty();
    Files.createDirectories(service.resolve("supervise"));
    Files.write(service.resolve("supervise/status"), new byte[19]);
    assertThat(ServiceStatus.of(service)).isEmpty();
    Files.write(service.resolve("supervise/status"), MyInitTest.status(0, 'd', 0));
    assertThat(ServiceStatus.of(service)).isEqualTo(Optional.of(new ServiceStatus(0, false, 0)));
  }
}
