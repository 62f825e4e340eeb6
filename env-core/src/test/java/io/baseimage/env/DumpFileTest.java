package io.baseimage.env;

import static io.baseimage.env.Commands.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DumpFileTest {
  @TempDir Path temp;

  private String listing() throws Exception {
    try (var files = Files.list(temp)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList().toString();
    }
  }

  @Test
  void writesContent() throws Exception {
    Path target = temp.resolve("container_environment.json");

    DumpFile.write(target, ByteString.of(utf8("{}\n")));

    assertThat(Files.readAllBytes(target)).containsExactly(utf8("{}\n"));
  }

  @Test
  void leavesNoTemporaryFileBehind() throws Exception {
    DumpFile.write(temp.resolve("container_environment.sh"), ByteString.of(utf8("export A=1\n")));
    DumpFile.write(temp.resolve("container_environment.sh"), ByteString.of(utf8("export A=2\n")));

    assertThat(listing()).isEqualTo("[container_environment.sh]");
  }

  @Test
  void replacesTheOldFileByRenameNotInPlace() throws Exception {
    Path target =
        Files.writeString(
            temp.resolve("container_environment.sh"), "old content, longer than the new");
    Object oldInode = Files.getAttribute(target, "unix:ino");
    Path reader = temp.resolve("reader-link");
    Files.createLink(reader, target); // a reader that opened the old file keeps the old content

    DumpFile.write(target, ByteString.of(utf8("new")));

    assertThat(Files.readString(target)).isEqualTo("new");
    assertThat(Files.getAttribute(target, "unix:ino")).isNotEqualTo(oldInode);
    assertThat(Files.readString(reader)).isEqualTo("old content, longer than the new");
  }

  @Test
  void writesMode0640() throws Exception {
    Path target = temp.resolve("container_environment.json");

    DumpFile.write(target, ByteString.of(utf8("{}\n")));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
        .isEqualTo("rw-r-----");
  }

  @Test
  void replacesAWorldReadableOldFileWithMode0640() throws Exception {
    Path target = Files.writeString(temp.resolve("container_environment.json"), "{}");
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-rw-rw-"));

    DumpFile.write(target, ByteString.of(utf8("{\"SECRET\":\"x\"}\n")));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
        .isEqualTo("rw-r-----");
  }

  @Test
  void givesTheFileToDockerEnvGroupWhereItExists() throws Exception {
    Path target = temp.resolve("container_environment.json");
    Commands.Result getent = Commands.run("getent", "group", DumpFile.READER_GROUP);
    Object expectedGid;
    if (getent.exitCode() == 0) {
      expectedGid = Integer.parseInt(getent.stdoutText().split(":")[2]);
    } else {
      // Without the group, a new file gets the process's group (root in the image).
      expectedGid = Files.getAttribute(Files.createFile(temp.resolve("probe")), "unix:gid");
      Files.delete(temp.resolve("probe"));
    }
    System.out.println(
        "DumpFileTest: group "
            + DumpFile.READER_GROUP
            + (getent.exitCode() == 0 ? " exists" : " does not exist")
            + ", expecting gid "
            + expectedGid);

    DumpFile.write(target, ByteString.of(utf8("{}\n")));

    assertThat(Files.getAttribute(target, "unix:gid")).isEqualTo(expectedGid);
  }

  @Test
  void writesDumpsOfAnEnvironment() throws Exception {
    ContainerEnvironment env = ContainerEnvironment.of(Map.of("A", "it's", "HOME", "/root"));

    DumpFile.write(temp.resolve("container_environment.sh"), ShellDump.format(env).bytes());
    DumpFile.write(temp.resolve("container_environment.json"), JsonDump.format(env).bytes());

    assertThat(Files.readString(temp.resolve("container_environment.sh")))
        .isEqualTo("export A='it'\\''s'\n");
    assertThat(Files.readString(temp.resolve("container_environment.json")))
        .isEqualTo("{\"A\":\"it's\",\"HOME\":\"/root\"}\n");
  }

  @Test
  void missingDirectoryIsAnIoErrorNotNotWritable() {
    assertThatThrownBy(
            () -> DumpFile.write(temp.resolve("missing/dump.json"), ByteString.of(utf8("{}"))))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void permissionDeniedIsNotWritable() throws Exception {
    Commands.assumeNotRoot("root may write a directory whatever its mode");
    Path dir = Files.createDirectory(temp.resolve("locked"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));

    assertThatThrownBy(() -> DumpFile.write(dir.resolve("dump.json"), ByteString.of(utf8("{}"))))
        .isInstanceOfSatisfying(
            NotWritableException.class,
            e -> assertThat(e.reason()).isEqualTo(NotWritableException.Reason.PERMISSION_DENIED));
  }
}
