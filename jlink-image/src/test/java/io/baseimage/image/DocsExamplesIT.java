package io.baseimage.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The documentation's shell examples that need no container runtime (fenced as {@code sh tested})
 * run as written, from the repository's top directory, against the built overlay.
 */
@Timeout(600)
@ExtendWith(SandboxExtension.class)
class DocsExamplesIT {
  @Test
  void shellExamplesRun() throws Exception {
    Sandbox.lowerRoot(); // builds the cached Debian root with runit that the examples may reuse
    List<String> failures = new ArrayList<>();
    int examples = 0;
    for (Path document : Docs.documents()) {
      for (String example : Docs.blocks(document, "sh tested")) {
        examples++;
        ProcessBuilder bash =
            new ProcessBuilder("bash", "-euo", "pipefail", "-c", example)
                .directory(Docs.REPOSITORY.toFile())
                .redirectErrorStream(true);
        bash.environment().put("ROOTFS_TAR", Sandbox.rootfsTar().toString());
        Process process = bash.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(300, TimeUnit.SECONDS) || process.exitValue() != 0) {
          failures.add(
              Docs.REPOSITORY.relativize(document) + ":\n" + example + "--- output:\n" + output);
        }
      }
    }
    assertThat(examples).as("examples fenced as 'sh tested'").isPositive();
    assertThat(failures).isEmpty();
  }
}
