package io.baseimage.launchers;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AotTrainingTest {
  @Test
  void refusesATrainingWithoutMyInitsArguments() {
    // Without them setuser would run alone and the cache would lack my_init's boot.
    assertThatThrownBy(() -> AotTraining.main(new String[] {"root", "/nonexistent/command"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("usage: AotTraining");
  }
}
