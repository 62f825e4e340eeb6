package io.baseimage.startup;

import static org.assertj.core.api.Assertions.assertThat;

import io.baseimage.env.ByteString;
import io.baseimage.env.ContainerEnvironment;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LauncherEnvironmentTest {
  @Test
  void givesEachHeldJavaOptionVariableItsNameBack() {
    ContainerEnvironment held =
        ContainerEnvironment.of(
            Map.of(
                "BASEIMAGE_HELD_JAVA_TOOL_OPTIONS", "-javaagent:/otel.jar",
                "BASEIMAGE_HELD__JAVA_OPTIONS", "-XX:+UseG1GC",
                "BASEIMAGE_HELD_JDK_JAVA_OPTIONS", "",
                "PATH", "/bin"));

    assertThat(LauncherEnvironment.restored(held))
        .isEqualTo(
            ContainerEnvironment.of(
                Map.of(
                    "JAVA_TOOL_OPTIONS", "-javaagent:/otel.jar",
                    "_JAVA_OPTIONS", "-XX:+UseG1GC",
                    "JDK_JAVA_OPTIONS", "",
                    "PATH", "/bin")));
  }

  @Test
  void keepsTheValueByteForByte() {
    ByteString value =
        ByteString.of(new byte[] {'-', 'D', 'x', '=', (byte) 0xff, (byte) 0xc3, (byte) 0xa9});
    ContainerEnvironment held =
        ContainerEnvironment.empty().with(ByteString.of("BASEIMAGE_HELD_JAVA_TOOL_OPTIONS"), value);

    assertThat(LauncherEnvironment.restored(held).getBytes("JAVA_TOOL_OPTIONS")).contains(value);
  }

  @Test
  void removesTheLaunchersOwnSuspendResumeSignalAndRestoresTheContainersOwn() {
    assertThat(
            LauncherEnvironment.restored(
                ContainerEnvironment.of(Map.of("_JAVA_SR_SIGNUM", "63", "A", "1"))))
        .isEqualTo(ContainerEnvironment.of(Map.of("A", "1")));
    assertThat(
            LauncherEnvironment.restored(
                ContainerEnvironment.of(
                    Map.of("_JAVA_SR_SIGNUM", "63", "BASEIMAGE_HELD__JAVA_SR_SIGNUM", "40"))))
        .isEqualTo(ContainerEnvironment.of(Map.of("_JAVA_SR_SIGNUM", "40")));
  }

  @Test
  void aContainerVariableThatLooksHeldKeepsItsName() {
    // The container itself set BASEIMAGE_HELD_JAVA_TOOL_OPTIONS: the launcher gave it a second
    // prefix.
    ContainerEnvironment held =
        ContainerEnvironment.of(
            Map.of(
                "BASEIMAGE_HELD_BASEIMAGE_HELD_JAVA_TOOL_OPTIONS", "users-own",
                "BASEIMAGE_HELD_JAVA_TOOL_OPTIONS", "-Dreal"));

    assertThat(LauncherEnvironment.restored(held))
        .isEqualTo(
            ContainerEnvironment.of(
                Map.of(
                    "BASEIMAGE_HELD_JAVA_TOOL_OPTIONS",
                    "users-own",
                    "JAVA_TOOL_OPTIONS",
                    "-Dreal")));
  }

  @Test
  void leavesAnEnvironmentWithoutHeldVariablesAlone() {
    ContainerEnvironment plain = ContainerEnvironment.of(Map.of("A", "1", "B", "x"));

    assertThat(LauncherEnvironment.restored(plain)).isEqualTo(plain);
  }
}
