package io.baseimage.myinit;

import static org.assertj.core.api.Assertions.assertThat;

import io.baseimage.testing.ModuleSources;
import java.lang.module.ModuleDescriptor;
import org.junit.jupiter.api.Test;

/** STYLE: module name = root package. */
class ModulePackagesTest {
  private static ModuleDescriptor descriptor() throws Exception {
    return ModuleSources.descriptorOf(Main.class);
  }

  @Test
  void moduleNameIsTheRootPackage() throws Exception {
    assertThat(descriptor().name()).isEqualTo("io.baseimage.myinit");
    assertThat(Main.class.getPackageName()).isEqualTo(descriptor().name());
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

  /** A command-line tool: nothing reads its packages, so it exports none. */
  @Test
  void exportsNothing() throws Exception {
    assertThat(descriptor().exports()).isEmpty();
  }
}
