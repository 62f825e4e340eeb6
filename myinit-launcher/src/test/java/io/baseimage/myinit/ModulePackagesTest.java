package io.baseimage.myinit;

import static org.assertj.core.api.Assertions.assertThat;

import io.baseimage.testing.ModuleLayoutContract;
import org.junit.jupiter.api.Test;

class ModulePackagesTest implements ModuleLayoutContract {
  @Override
  public Class<?> rootClass() {
    return Main.class;
  }

  /** A command-line tool: only the runtime's main module, its entry point, reads its package. */
  @Test
  void exportsItsPackageOnlyToTheMainModule() throws Exception {
    assertThat(descriptor().exports())
        .singleElement()
        .satisfies(
            export -> {
              assertThat(export.source()).isEqualTo("io.baseimage.myinit");
              assertThat(export.targets()).containsExactly("io.baseimage.launchers");
            });
  }
}
