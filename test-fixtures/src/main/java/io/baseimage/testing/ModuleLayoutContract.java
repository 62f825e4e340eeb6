package io.baseimage.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import org.junit.jupiter.api.Test;

/**
 * The layout every module of the repository keeps: its name is its root package, and every package
 * of its sources is below it. A module's test implements this and names a class of the root
 * package.
 */
public interface ModuleLayoutContract {
  /** A class of the module's root package. */
  Class<?> rootClass();

  /** The module's compiled descriptor. */
  default ModuleDescriptor descriptor() throws Exception {
    return ModuleSources.descriptorOf(rootClass());
  }

  @Test
  default void moduleNameIsTheRootPackage() throws Exception {
    assertThat(rootClass().getPackageName()).isEqualTo(descriptor().name());
  }

  @Test
  default void everyPackageStartsWithTheModuleName() throws Exception {
    String module = descriptor().name();

    assertThat(ModuleSources.sourcePackages())
        .isNotEmpty()
        .allSatisfy(
            pkg ->
                assertThat(pkg.equals(module) || pkg.startsWith(module + "."))
                    .as("package %s of module %s", pkg, module)
                    .isTrue());
  }
}
