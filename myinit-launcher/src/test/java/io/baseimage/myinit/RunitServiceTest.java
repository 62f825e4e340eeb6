package io.baseimage.myinit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunitServiceTest {
  @TempDir Path services;

  @Test
  void listsTheServicesAsRunsvdirSeesThem() throws Exception {
    Files.createDirectories(services.resolve("web"));
    Files.createDirectories(services.resolve("db"));
    Files.createDirectories(services.resolve(".hidden"));
    Files.createFile(services.resolve("README"));

    assertThat(RunitService.in(services))
        .containsExactly(
            new RunitService(services.resolve("db")), new RunitService(services.resolve("web")));
  }

  @Test
  void readsRunitsAndMyInitsFiles() throws Exception {
    RunitService web = new RunitService(Files.createDirectories(services.resolve("web")));
    assertThat(web.isEssential()).isFalse();
    assertThat(web.isSupposedToRun()).isTrue();
    assertThat(web.check()).isEmpty();
    assertThat(web.pid()).isEmpty();

    Files.createFile(web.directory().resolve("essential"));
    Files.createFile(web.directory().resolve("down"));
    Files.createFile(web.directory().resolve("check"));
    Files.createDirectories(web.supervise());
    Files.writeString(web.supervise().resolve("pid"), "");

    assertThat(web.isEssential()).isTrue();
    assertThat(web.isSupposedToRun()).isFalse();
    assertThat(web.check()).contains(web.directory().resolve("check"));
    assertThat(web.pid()).as("empty while nothing runs").contains(0);
    Files.writeString(web.supervise().resolve("pid"), "23\n");
    assertThat(web.pid()).contains(23);
  }

  @Test
  void createsSuperviseAsRunsvWould() throws Exception {
    RunitService web = new RunitService(Files.createDirectories(services.resolve("web")));

    web.createSupervise();

    assertThat(web.supervise()).isDirectory();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(web.supervise())))
        .isEqualTo("rwx------");
  }

  @Test
  void createsTheTargetOfADanglingSuperviseSymlink() throws Exception {
    // Debian's runit links supervise/ into /run/runit, which is empty at boot.
    Path run = Files.createDirectories(services.resolve("run"));
    RunitService web = new RunitService(Files.createDirectories(services.resolve("web")));
    Files.createSymbolicLink(web.supervise(), run.resolve("supervise.web"));

    web.createSupervise();

    assertThat(run.resolve("supervise.web")).isDirectory();
    assertThat(Files.isSymbolicLink(web.supervise())).isTrue();
  }
}
