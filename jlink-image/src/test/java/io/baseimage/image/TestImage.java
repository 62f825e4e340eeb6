package io.baseimage.image;

import static io.baseimage.image.Podman.podman;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The image that {@link ImageIT} and {@link KubeIT} test, built once per test run: failsafe runs
 * every integration test in one JVM, and the second class reuses what the first built.
 *
 * <p>System properties: {@code baseimage.it.image} (the tag to build and test, default {@value
 * #DEFAULT_TAG}); {@code baseimage.it.build=false} tests that image as it is, without building it.
 */
final class TestImage {
  static final String DEFAULT_TAG = "localhost/baseimage-amzn:it";
  private static final Path BASEDIR = Path.of(System.getProperty("baseimage.basedir", "."));

  private static String tag;
  private static AssertionError failure;

  private TestImage() {}

  /**
   * The image's tag, once root and podman are there ({@link Podman#requireRootAndPodman}, which
   * skips or fails the class {@code who}) and the image is: built by the first caller of the run. A
   * build that failed fails every caller, with the first failure as the cause.
   */
  static synchronized String require(String who) throws IOException {
    Podman.requireRootAndPodman(who);
    if (failure != null) {
      throw new AssertionError(
          "the image "
              + System.getProperty("baseimage.it.image", DEFAULT_TAG)
              + " could not be built earlier in this run",
          failure);
    }
    if (tag == null) {
      String image = System.getProperty("baseimage.it.image", DEFAULT_TAG);
      try {
        if (Boolean.parseBoolean(System.getProperty("baseimage.it.build", "true"))) {
          build(image, who);
        } else {
          podman(Duration.ofSeconds(30), "image", "exists", image).hasStatus(0);
        }
      } catch (AssertionError e) {
        failure = e;
        throw e;
      }
      tag = image;
    }
    return tag;
  }

  /**
   * scripts/build-image.sh --debian --tag IMAGE: the Debian base (built once, kept), then the image
   * from the Containerfile and target/overlay. The build's output goes to
   * target/image-it-build.log.
   */
  private static void build(String image, String who) throws IOException {
    Path overlay = BASEDIR.resolve("target/overlay/sbin/my_init");
    if (!Files.isExecutable(overlay)) {
      fail(
          overlay
              + " missing: the overlay is built in the package phase "
              + "(./mvnw -pl jlink-image -am package -DskipTests)");
    }
    Path log = BASEDIR.resolve("target/image-it-build.log");
    Podman.Result build = null;
    // Another build may be rewriting target/overlay right now: a half-written overlay makes the
    // COPY or the RUN checks after it fail; the next attempt sees the finished one.
    for (int attempt = 1; attempt <= 3; attempt++) {
      // The tests run podman: so must the build, even where a docker engine would be its default.
      build =
          Podman.run(
              List.of(
                  "env",
                  "CONTAINER_TOOL=podman",
                  "sh",
                  BASEDIR.resolve("scripts/build-image.sh").toString(),
                  "--debian",
                  "--tag",
                  image),
              null,
              Duration.ofMinutes(6),
              BASEDIR);
      Files.writeString(log, build.describe());
      if (build.exitCode() == 0) {
        System.out.println(
            who
                + ": built "
                + image
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
