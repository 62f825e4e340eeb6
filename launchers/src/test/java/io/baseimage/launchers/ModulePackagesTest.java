package io.baseimage.launchers;

import static org.assertj.core.api.Assertions.assertThat;

import io.baseimage.testing.ModuleLayoutContract;
import org.junit.jupiter.api.Test;

class ModulePackagesTest implements ModuleLayoutContract {
  @Override
  public Class<?> rootClass() {
    return MyInit.class;
  }

  /** The entry points: nothing reads them but the JVM's launcher, so the module exports none. */
  @Test
  void exportsNothing() throws Exception {
    assertThat(descriptor().exports()).isEmpty();
  }
}
