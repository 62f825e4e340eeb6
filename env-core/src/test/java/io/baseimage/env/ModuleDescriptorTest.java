package io.baseimage.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import org.junit.jupiter.api.Test;

class ModuleDescriptorTest {
  private static ModuleDescriptor descriptor() throws Exception {
    try (InputStream in = ContainerEnvironment.class.getResourceAsStream("/module-info.class")) {
      assertThat(in).isNotNull();
      return ModuleDescriptor.read(in);
    }
  }

  @Test
  void moduleNameIsRootPackage() throws Exception {
    ModuleDescriptor module = descriptor();

    assertThat(module.name()).isEqualTo("io.baseimage.env");
    assertThat(ContainerEnvironment.class.getPackageName()).isEqualTo(module.name());
  }

  @Test
  void exportsOnlyTheApiPackageToAllAndRequiresOnlyJacksonCore() throws Exception {
    ModuleDescriptor module = descriptor();

    assertThat(module.exports())
        .filteredOn(e -> !e.isQualified())
        .singleElement()
        .satisfies(e -> assertThat(e.source()).isEqualTo("io.baseimage.env"));
    assertThat(module.exports())
        .filteredOn(ModuleDescriptor.Exports::isQualified)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.source()).isEqualTo("io.baseimage.env.internal");
              assertThat(e.targets())
                  .containsExactlyInAnyOrder("io.baseimage.startup", "io.baseimage.myinit");
            });
    assertThat(module.requires())
        .extracting(ModuleDescriptor.Requires::name)
        .containsExactlyInAnyOrder("java.base", "com.fasterxml.jackson.core");
    assertThat(module.requires())
        .noneMatch(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE));
  }

  @Test
  void isCompiledForJava17() throws Exception {
    try (InputStream in =
        ContainerEnvironment.class.getResourceAsStream("ContainerEnvironment.class")) {
      byte[] header = in.readNBytes(8);
      int major = ((header[6] & 0xff) << 8) | (header[7] & 0xff);
      assertThat(major).as("class file major version").isEqualTo(61);
    }
  }
}
