package io.baseimage.env;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.testing.EqualsTester;
import com.google.common.testing.NullPointerTester;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contracts of the value types and the public API, checked by guava-testlib: equal values are
 * interchangeable (equals and hashCode agree on bytes, never on identity), and a null where none is
 * allowed fails at once with a NullPointerException instead of later, somewhere else.
 */
class ValueContractsTest {
  @TempDir Path scratch;

  @Test
  void byteStringsAreEqualByTheirBytes() {
    new EqualsTester()
        .addEqualityGroup(
            ByteString.of("é"),
            ByteString.of("é".getBytes(UTF_8)),
            ByteString.of(new byte[] {(byte) 0xc3, (byte) 0xa9}))
        .addEqualityGroup(ByteString.of(new byte[] {(byte) 0xe9}))
        .addEqualityGroup(ByteString.empty(), ByteString.of(""))
        .testEquals();
  }

  @Test
  void environmentsAreEqualByTheirVariables() {
    new EqualsTester()
        .addEqualityGroup(
            ContainerEnvironment.of(Map.of("A", "1", "B", "2")),
            ContainerEnvironment.empty().with("B", "2").with("A", "1"),
            ContainerEnvironment.parseEnviron("A=1\0B=2\0".getBytes(UTF_8)))
        .addEqualityGroup(ContainerEnvironment.of(Map.of("A", "1")))
        .addEqualityGroup(
            ContainerEnvironment.empty(), ContainerEnvironment.of(Map.of("A", "1")).without("A"))
        .testEquals();
  }

  @Test
  void encodedDumpsAreEqualByContentNotByArrayIdentity() {
    Problem problem = new Problem(Problem.Kind.NOT_UTF8, "A", "not valid UTF-8");
    new EqualsTester()
        .addEqualityGroup(
            new Encoded(ByteString.of("x"), List.of()), new Encoded(ByteString.of("x"), List.of()))
        .addEqualityGroup(new Encoded(ByteString.of("x"), List.of(problem)))
        .addEqualityGroup(new Encoded(ByteString.of("y"), List.of()))
        .testEquals();
  }

  @Test
  void thePublicApiRejectsNullAtOnce() {
    NullPointerTester tester =
        new NullPointerTester()
            .setDefault(ByteString.class, ByteString.of("A"))
            .setDefault(ContainerEnvironment.class, ContainerEnvironment.empty())
            .setDefault(Path.class, scratch.resolve("default"))
            .setDefault(OutputStream.class, new ByteArrayOutputStream());

    tester.testAllPublicStaticMethods(ByteString.class);
    tester.testAllPublicInstanceMethods(ByteString.of("value"));
    tester.testAllPublicStaticMethods(ContainerEnvironment.class);
    tester.testAllPublicInstanceMethods(ContainerEnvironment.of(Map.of("A", "1")));
    for (Class<?> codec :
        List.of(
            ShellDump.class,
            JsonDump.class,
            EnvironmentDirectory.class,
            DumpFile.class,
            EnvironmentStores.class)) {
      tester.testAllPublicStaticMethods(codec);
    }
    for (Class<?> record :
        List.of(
            Problem.class,
            Decoded.class,
            Encoded.class,
            EnvironmentStores.Synced.class,
            MalformedDumpException.class)) {
      tester.testAllPublicConstructors(record);
    }
    tester.testAllPublicInstanceMethods(
        EnvironmentStores.of(scratch.resolve("d"), scratch.resolve("s"), scratch.resolve("j")));
  }
}
