package io.baseimage.posix;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import org.junit.jupiter.api.Test;

/** The native layer is for the launchers' own modules and nothing else. */
class ModuleDescriptorTest {
  @Test
  void exportsItsOnePackageOnlyToTheLaunchersModules() {
    ModuleDescriptor descriptor = ProcessControl.class.getModule().getDescriptor();

    assertThat(descriptor.name()).isEqualTo(ProcessControl.class.getPackageName());
    assertThat(descriptor.exports())
        .singleElement()
        .satisfies(
            export ->
                assertThat(export.targets())
                    .containsExactlyInAnyOrder(
                        "io.baseimage.startup", "io.baseimage.myinit", "io.baseimage.setuser"));
  }

  @Test
  void namesErrorNumbers() {
    assertThat(Errno.name(Errno.ENOENT)).isEqualTo("ENOENT");
    assertThat(Errno.name(200)).isEqualTo("errno 200");
  }
}
