package io.baseimage.setuser;

import static org.assertj.core.api.Assertions.assertThat;

import io.baseimage.testing.ModuleLayoutContract;
import org.junit.jupiter.api.Test;

class ModulePackagesTest implements ModuleLayoutContract {
  @Override
  public Class<?> rootClass() {
    return Main.class;
  }

  /** A command-line tool: nothing reads its packages, so it exports none. */
  @Test
  void exportsNothing() throws Exception {
    assertThat(descriptor().exports()).isEmpty();
  }
}
