package io.baseimage.env.bench;

import io.baseimage.env.ByteString;
import io.baseimage.env.ContainerEnvironment;
import io.baseimage.env.EnvironmentDirectory;
import io.baseimage.env.JsonDump;
import io.baseimage.env.MalformedDumpException;
import io.baseimage.env.ShellDump;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The container-environment codecs on a large environment (5,000 variables by default): the {@code
 * .sh} and {@code .json} dumps and the environment directory. Run with {@code ./mvnw -B -Pjmh -pl
 * env-core test-compile exec:exec} (see env-core/pom.xml).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class CodecBenchmark {

  @Param({"5000"})
  public int variables;

  private ContainerEnvironment env;
  private byte[] shell;
  private byte[] json;
  private Path readDir;
  private Path writeDir;

  /**
   * A deterministic environment that looks like a real one, scaled up: mostly plain values, some
   * with spaces, quotes, newlines, shell metacharacters and non-ASCII text.
   */
  static ContainerEnvironment environment(int count) {
    Random random = new Random(42);
    String[] samples = {
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "postgres://app:s3cr3t@db.internal:5432/app?sslmode=require",
      "it's a \"quoted\" value with $dollars and `backticks`",
      "line one\nline two\n",
      "Grüße, ☃ and 日本語",
      "-Xmx512m -XX:+UseG1GC -Dfile.encoding=UTF-8",
      "true",
      "8080",
    };
    Map<String, String> vars = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      String name = "APP_SETTING_" + i;
      String value =
          samples[random.nextInt(samples.length)] + (random.nextBoolean() ? "" : "_" + i);
      vars.put(name, value);
    }
    return ContainerEnvironment.of(vars);
  }

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    env = environment(variables);
    shell = ShellDump.format(env).bytes().toByteArray();
    json = JsonDump.format(env).bytes().toByteArray();
    Path base = Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir")));
    readDir = Files.createTempDirectory(base, "env-read");
    writeDir = Files.createTempDirectory(base, "env-write");
    List<?> problems = EnvironmentDirectory.write(readDir, env);
    if (!problems.isEmpty()) {
      throw new IllegalStateException("unexpected problems: " + problems);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    for (Path dir : new Path[] {readDir, writeDir}) {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  @Benchmark
  public ByteString shellFormat() {
    return ShellDump.format(env).bytes();
  }

  @Benchmark
  public ContainerEnvironment shellParse() throws MalformedDumpException {
    return ShellDump.parse(shell).value();
  }

  @Benchmark
  public ByteString jsonFormat() {
    return JsonDump.format(env).bytes();
  }

  @Benchmark
  public ContainerEnvironment jsonParse() throws MalformedDumpException {
    return JsonDump.parse(json).value();
  }

  @Benchmark
  public ContainerEnvironment directoryRead() throws IOException {
    return EnvironmentDirectory.read(readDir).value();
  }

  /** Rewrites all files of an existing directory, as every my_init start and re-import does. */
  @Benchmark
  public Object directoryWrite() throws IOException {
    return EnvironmentDirectory.write(writeDir, env);
  }
}
