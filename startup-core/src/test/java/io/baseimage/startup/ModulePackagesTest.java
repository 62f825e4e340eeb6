package io.baseimage.startup;

import static org.assertj.core.api.Assertions.assertThat;

import io.baseimage.testing.ModuleLayoutContract;
import org.junit.jupiter.api.Test;

class ModulePackagesTest implements ModuleLayoutContract {
  @Override
  public Class<?> rootClass() {
    return Reaper.class;
  }

  @Test
  void exportsItsPackageOnlyToTheLaunchers() throws Exception {
    assertThat(descriptor().exports())
        .singleElement()
        .satisfies(
            export -> {
              assertThat(export.source()).isEqualTo("io.baseimage.startup");
              assertThat(export.targets())
                  .containsExactlyInAnyOrder(
                      "io.baseimage.myinit", "io.baseimage.setuser", "io.baseimage.launchers");
            });
  }
}
