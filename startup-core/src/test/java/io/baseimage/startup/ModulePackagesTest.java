package io.baseimage.startup;

import static org.assertj.core.api.Assertions.assertThat;

import io.baseimage.testing.ModuleSources;
import java.lang.module.ModuleDescriptor;
import org.junit.jupiter.api.Test;

/** STYLE: module name = root package. */
class ModulePackagesTest {
  private static ModuleDescriptor descriptor() throws Exception {
    return ModuleSources.descriptorOf(Reaper.class);
  }

  @Test
  void moduleNameIsTheRootPackage() throws Exception {
    assertThat(descriptor().name()).isEqualTo("io.baseimage.startup");
    assertThat(Reaper.class.getPackageName()).isEqualTo(descriptor().name());
  }

  @Test
  void everyPackageStartsWithTheModuleName() throws Exception {
    String module = descriptor().name();

    assertThat(ModuleSources.sourcePackages())
        .isNotEmpty()
        .allSatisfy(
            pkg ->
                assertThat(pkg.equals(module) || pkg.startsWith(module + "."))
                    .as("package %s of module %s", pkg, module)
                    .isTrue());
  }

  @Test
  void exportsItsPackageOnlyToTheLaunchers() throws Exception {
    assertThat(descriptor().exports())
        .singleElement()
        .satisfies(
            export -> {
              assertThat(export.source()).isEqualTo("io.baseimage.startup");
              assertThat(export.targets())
                  .containsExactlyInAnyOrder("io.baseimage.myinit", "io.baseimage.setuser");
            });
  }
}
