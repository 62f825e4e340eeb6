package io.baseimage.image;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The image that {@link ImageIT} and {@link KubeIT} test, built once per engine and test run:
 * failsafe runs every integration test in one JVM, and the second class reuses what the first
 * built. Each engine builds its own, with its own builder (podman's buildah, docker's BuildKit).
 *
 * <p>System properties: {@code baseimage.it.image} (the tag to build and test, default {@value
 * #DEFAULT_TAG}); {@code baseimage.it.build=false} tests that image as it is, without building it.
 */
final class TestImage {
  static final String DEFAULT_TAG = "localhost/baseimage-amzn:it";
  private static final Path BASEDIR = Path.of(System.getProperty("baseimage.basedir", "."));

  private static final Map<Engine, String> TAGS = new HashMap<>();
  private static final Map<Engine, AssertionError> FAILURES = new HashMap<>();

  private TestImage() {}

  /**
   * The image's tag, once root and the engine are there ({@link Engine#require}, which skips or
   * fails the class {@code who}) and the image is: built by the engine's first caller of the run. A
   * build that failed fails every caller, with the first failure as the cause.
   */
  static synchronized String require(Engine engine, String who) throws IOException {
    engine.require(who);
    String image = System.getProperty("baseimage.it.image", DEFAULT_TAG);
    if (FAILURES.containsKey(engine)) {
      throw new AssertionError(
          "the image " + image + " could not be built with " + engine + " earlier in this run",
          FAILURES.get(engine));
    }
    if (!TAGS.containsKey(engine)) {
      try {
        if (Boolean.parseBoolean(System.getProperty("baseimage.it.build", "true"))) {
          build(engine, image, who);
        } else if (engine.imageId(image).isEmpty()) {
          fail(image + " does not exist in " + engine + " (baseimage.it.build=false)");
        }
      } catch (AssertionError e) {
        FAILURES.put(engine, e);
        throw e;
      }
      TAGS.put(engine, image);
    }
    return TAGS.get(engine);
  }

  /**
   * scripts/build-image.sh --debian --tag IMAGE: the Debian base (built once, kept), then the image
   * from the Containerfile and target/overlay. The build's output goes to
   * target/image-it-build-ENGINE.log.
   */
  private static void build(Engine engine, String image, String who) throws IOException {
    Path overlay = BASEDIR.resolve("target/overlay/sbin/my_init");
    if (!Files.isExecutable(overlay)) {
      fail(
          overlay
              + " missing: the overlay is built in the package phase "
              + "(./mvnw -pl jlink-image -am package -DskipTests)");
    }
    Path log = BASEDIR.resolve("target/image-it-build-" + engine + ".log");
    List<String> command = new ArrayList<>(List.of("env", "CONTAINER_TOOL=" + engine.executable()));
    command.addAll(engine.buildEnvironment());
    command.addAll(
        List.of("sh", BASEDIR.resolve("scripts/build-image.sh").toString(), "--debian", "--tag"));
    command.add(image);
    Commands.Result build = null;
    // Another build may be rewriting target/overlay right now: a half-written overlay makes the
    // COPY or the RUN checks after it fail; the next attempt sees the finished one.
    for (int attempt = 1; attempt <= 3; attempt++) {
      build = Commands.run(command, null, Duration.ofMinutes(6), BASEDIR);
      Files.writeString(log, build.describe());
      if (build.exitCode() == 0) {
        System.out.println(
            who
                + ": built "
                + image
                + " with "
                + engine
                + " in "
                + build.elapsed().toSeconds()
                + " s (log: "
                + log
                + ")");
        return;
      }
      System.out.println(who + ": image build attempt " + attempt + " failed, see " + log);
    }
    build.hasStatus(0);
  }
}
