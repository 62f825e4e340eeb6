package io.baseimage.image;

import static org.assertj.core.api.Assertions.fail;

import io.baseimage.image.Commands.Result;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * A container engine the image tests run on, podman or docker, and everything that differs between
 * the two (docs/testing.md, "Two engines"): how to build, what {@code --read-only} needs, how a
 * health check is run. The tests themselves are written once, for both.
 *
 * <p>System property {@code baseimage.it.engines} (default {@code podman,docker}) names the engines
 * to test. {@code docker} is the client in env {@code DOCKER} (default Debian's, /usr/bin/docker)
 * talking to the engine of {@code DOCKER_HOST}; .ci/docker-setup.sh starts a private one.
 */
final class Engine {
  static final Engine PODMAN = new Engine("podman", "podman");
  static final Engine DOCKER = new Engine("docker", dockerClient());

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final Duration SHORT = Duration.ofSeconds(30);
  private static final Map<Engine, Boolean> ANSWERS = new ConcurrentHashMap<>();

  private final String name;
  private final String executable;

  private Engine(String name, String executable) {
    this.name = name;
    this.executable = executable;
  }

  /**
   * Env {@code DOCKER}, else Debian's client where it is installed: a newer one on PATH may lack
   * the buildx plugin, without which it cannot build with BuildKit (.ci/docker-setup.sh).
   */
  private static String dockerClient() {
    String given = System.getenv("DOCKER");
    if (given != null && !given.isEmpty()) {
      return given;
    }
    return Files.isExecutable(Path.of("/usr/bin/docker")) ? "/usr/bin/docker" : "docker";
  }

  /** The engines of {@code baseimage.it.engines}, in the order given. */
  static List<Engine> underTest() {
    return Arrays.stream(System.getProperty("baseimage.it.engines", "podman,docker").split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .map(
            s ->
                switch (s) {
                  case "podman" -> PODMAN;
                  case "docker" -> DOCKER;
                  default ->
                      throw new IllegalArgumentException(
                          "baseimage.it.engines: unknown engine '" + s + "' (podman, docker)");
                })
        .toList();
  }

  /** The executable to give scripts as {@code CONTAINER_TOOL} (scripts/lib.sh). */
  String executable() {
    return executable;
  }

  @Override
  public String toString() {
    return name;
  }

  /**
   * The common precondition of the image tests: root (the engines, mmdebstrap and the image build),
   * else the test class {@code who} is skipped with the reason printed; this engine installed and
   * answering, else it fails and says how to get it.
   */
  void require(String who) throws IOException {
    Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    if (!Integer.valueOf(0).equals(uid)) {
      String reason =
          who
              + " skipped: needs root for "
              + name
              + ", mmdebstrap and the image build (uid "
              + uid
              + ")";
      System.out.println(reason);
      Assumptions.abort(reason);
    }
    if (!ANSWERS.computeIfAbsent(this, Engine::answers)) {
      fail(
          who
              + " needs "
              + name
              + " ("
              + executable
              + " info failed): "
              + (this == PODMAN
                  ? "install it with .ci/podman-setup.sh"
                  : "install and start a private engine with `.ci/docker-setup.sh start` and export"
                      + " the DOCKER_HOST and DOCKER it prints")
              + ", or leave it out with -Dbaseimage.it.engines=...");
    }
  }

  private boolean answers() {
    boolean found =
        executable.contains("/")
            ? Files.isExecutable(Path.of(executable))
            : Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, executable)));
    return found && run(SHORT, "info").exitCode() == 0;
  }

  /** {@code ENGINE ARGS...}, as a command line. */
  List<String> command(String... args) {
    List<String> command = new ArrayList<>(List.of(executable));
    command.addAll(List.of(args));
    return command;
  }

  /** {@code ENGINE ARGS...} with the given time limit. */
  Result run(Duration timeout, String... args) {
    return runWithInput(timeout, null, args);
  }

  /** {@code ENGINE ARGS...} with the given text on stdin (null: no stdin). */
  Result runWithInput(Duration timeout, String stdin, String... args) {
    return Commands.run(command(args), stdin, timeout, null);
  }

  /**
   * {@code ENGINE ARGS...} on a new pseudo-terminal, as a user types it in theirs: {@code run -t
   * -i} and {@code exec -t -i} need one on the client's side (docker refuses a pipe: "the input
   * device is not a TTY"). util-linux's script(1) makes it, copies {@code stdin} to it and returns
   * the command's status; what the terminal shows is the result's stdout (input echoed, lines
   * ending in {@code \r\n}).
   */
  Result runOnTerminal(Duration timeout, String stdin, String... args) {
    return Commands.run(onTerminal(command(args)), stdin, timeout, null);
  }

  /** {@code command} as script(1) runs it on a new pseudo-terminal. */
  static List<String> onTerminal(List<String> command) {
    String line =
        command.stream()
            .map(a -> "'" + a.replace("'", "'\\''") + "'")
            .collect(Collectors.joining(" "));
    // script(1) runs the line with $SHELL, which may be nologin (a service account's).
    return List.of(
        "env", "SHELL=/bin/sh", "script", "--quiet", "--return", "--command", line, "/dev/null");
  }

  /**
   * Runs {@code ENGINE ARGS...} until {@code until} accepts the result or {@code limit} has passed;
   * returns the last result (the caller asserts on it, so a failure shows what was seen last).
   */
  Result poll(Duration limit, Predicate<Result> until, String... args) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      Result result = run(SHORT, args);
      if (until.test(result) || System.nanoTime() > deadline) {
        return result;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return result;
      }
    }
  }

  /** The id of a local image, if it exists. */
  Optional<String> imageId(String image) {
    Result r = run(SHORT, "image", "inspect", "--format", "{{.Id}}", image);
    return r.exitCode() == 0 && !r.stdout().isBlank()
        ? Optional.of(r.stdout().strip())
        : Optional.empty();
  }

  /** A container name unique to this JVM run, to pass to {@code --name} and remove afterwards. */
  static String newName() {
    return "baseimage-it-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
  }

  /** Removes a container whatever its state; never fails (for finally blocks). */
  void removeContainer(String container) {
    try {
      // docker has neither --ignore nor --time: it removes a running container with SIGKILL and
      // fails, harmlessly, on one that is gone.
      Result r =
          this == PODMAN
              ? run(Duration.ofSeconds(60), "rm", "--force", "--ignore", "--time", "0", container)
              : run(Duration.ofSeconds(60), "rm", "--force", container);
      if (r.exitCode() != 0 && !r.stderr().contains("No such container")) {
        System.err.println(
            "ImageIT: could not remove container " + container + ":\n" + r.describe());
      }
    } catch (RuntimeException | AssertionError e) {
      System.err.println(
          "ImageIT: could not remove container " + container + ": " + e.getMessage());
    }
  }

  /**
   * The environment a build needs, as {@code env} takes it: docker's BuildKit (the Containerfile
   * must build with it, docs/testing.md; Debian's docker 20.10 client has it built in and uses it
   * only when asked).
   */
  List<String> buildEnvironment() {
    return this == DOCKER ? List.of("DOCKER_BUILDKIT=1") : List.of();
  }

  /**
   * Options of the tests' own builds: the private docker engine of .ci/docker-setup.sh has no
   * bridge network, so RUN steps use the host's (scripts/build-image.sh asks scripts/lib.sh's
   * build_options, which knows the same).
   */
  private List<String> buildOptions() {
    return this == DOCKER ? List.of("--network", "host") : List.of();
  }

  /**
   * Builds the Containerfile in {@code context} as {@code tag} (named with -f: docker 20.10 only
   * looks for a Dockerfile).
   */
  Result build(Path context, String tag) {
    List<String> command = new ArrayList<>(List.of("env"));
    command.addAll(buildEnvironment());
    command.addAll(
        command("build", "-q", "-t", tag, "-f", context.resolve("Containerfile").toString()));
    command.addAll(buildOptions());
    command.add(context.toString());
    return Commands.run(command, null, Duration.ofMinutes(3), context);
  }

  /**
   * The options of a read-only root file system as the user guide gives them: podman's {@code
   * --read-only} mounts tmpfs on /run and /tmp by itself, docker's does not, and runit keeps its
   * state under /run (docs/user-guide.md, "Docker").
   */
  List<String> readOnlyOptions() {
    return this == DOCKER ? List.of("--read-only", "--tmpfs", "/run") : List.of("--read-only");
  }

  /**
   * {@code --read-only} with nothing writable at all, as docker's is: podman's needs {@code
   * --read-only-tmpfs=false} to mount no tmpfs of its own.
   */
  List<String> bareReadOnlyOptions() {
    return this == DOCKER
        ? List.of("--read-only")
        : List.of("--read-only", "--read-only-tmpfs=false");
  }

  /** The name {@code pstree} shows for the engine's {@code --init} process. */
  String initName() {
    return this == DOCKER ? "docker-init" : "podman-init"; // podman's is catatonit
  }

  /**
   * Options for a container whose health check the test runs itself: podman runs one on {@code
   * healthcheck run}; docker only on its timer, here each second.
   */
  List<String> healthCheckOptions() {
    return this == PODMAN
        ? List.of("--health-interval", "disable", "--health-retries", "1")
        : List.of("--health-interval", "1s", "--health-retries", "1");
  }

  /**
   * Waits until the container's health is {@code status} ("healthy" or "unhealthy"): podman runs
   * the check until its verdict is that one; docker's timer runs it. Returns the last inspect.
   */
  Result awaitHealth(String container, String status, Duration limit) {
    if (this == PODMAN) {
      int verdict = status.equals("healthy") ? 0 : 1;
      poll(limit, r -> r.exitCode() == verdict, "healthcheck", "run", container);
    }
    return poll(
        limit,
        r -> r.stdout().strip().equals(status),
        "inspect",
        "--format",
        "{{.State.Health.Status}}",
        container);
  }
}
