package io.baseimage.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessTreeTest {
  @TempDir Path proc;

  private void process(int pid, String comm, int parent) throws Exception {
    Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
    Files.writeString(
        dir.resolve("stat"),
        pid + " (" + comm + ") S " + parent + " " + pid + " " + pid + " 0 -1 4194560 0 0 0 0\n");
  }

  @Test
  void readsTheParentAfterACommandNameWithSpacesAndParentheses() throws Exception {
    process(123, "my (odd) name) S 9", 45);

    assertThat(ProcessTree.parentOf(proc.resolve("123/stat"))).isEqualTo(45);
  }

  @Test
  void readsTheNameAndTheParentOfAProcess() throws Exception {
    process(123, "my (odd) name) S 9", 45);
    process(7, "runsv", 1);

    assertThat(ProcessTree.nameOf(123, proc)).isEqualTo("my (odd) name) S 9");
    assertThat(ProcessTree.nameOf(7, proc)).isEqualTo("runsv");
    assertThat(ProcessTree.parentOf(123, proc)).isEqualTo(45);
    assertThat(ProcessTree.nameOf(99, proc)).as("gone").isEmpty();
    assertThat(ProcessTree.parentOf(99, proc)).isEqualTo(-1);
  }

  @Test
  void readsTheParentOfAPlainCommandName() throws Exception {
    process(7, "runsvdir", 1);

    assertThat(ProcessTree.parentOf(proc.resolve("7/stat"))).isEqualTo(1);
  }

  @Test
  void givesMinusOneForAProcessThatIsGoneOrAMalformedStat() throws Exception {
    Files.createDirectories(proc.resolve("8"));
    Files.writeString(proc.resolve("8/stat"), "garbage");

    assertThat(ProcessTree.parentOf(proc.resolve("9/stat"))).isEqualTo(-1);
    assertThat(ProcessTree.parentOf(proc.resolve("8/stat"))).isEqualTo(-1);
  }

  @Test
  void listsEveryDescendantAndNothingElse() throws Exception {
    process(1, "init", 0);
    process(50, "my_init", 1);
    process(51, "runsvdir", 50);
    process(52, "runsv (x)", 51);
    process(53, "daemon", 52);
    process(60, "bash", 50);
    process(70, "unrelated", 1);
    Files.createDirectories(proc.resolve("self"));
    Files.createDirectories(proc.resolve("99")); // gone while we looked: no stat

    assertThat(ProcessTree.descendantsOf(50, proc)).containsExactlyInAnyOrder(51, 52, 53, 60);
    assertThat(ProcessTree.descendantsOf(53, proc)).isEmpty();
  }

  @Test
  void listsTheChildrenOfSeveralParents() throws Exception {
    process(51, "runsvdir", 50);
    process(52, "runsv", 51);
    process(53, "runsv", 1);
    process(54, "run", 52);

    assertThat(ProcessTree.childrenOf(List.of(51, 1), proc)).containsExactlyInAnyOrder(52, 53);
  }

  @Test
  void readsTheCommandLineAsBytes() throws Exception {
    process(52, "runsv", 51);
    Files.write(
        proc.resolve("52/cmdline"),
        new byte[] {'r', 'u', 'n', 's', 'v', 0, 'w', (byte) 0xe9, 'b', 0});

    assertThat(ProcessTree.commandLine(52, proc))
        .containsExactly("runsv".getBytes(), new byte[] {'w', (byte) 0xe9, 'b'});
    assertThat(ProcessTree.commandLine(99, proc)).isEmpty();
  }

  @Test
  void readsTheStateLetter() throws Exception {
    Path dir = Files.createDirectories(proc.resolve("52"));
    Files.writeString(dir.resolve("stat"), "52 (a) b) T 51 52 52 0 -1\n");

    assertThat(ProcessTree.stateOf(52, proc)).isEqualTo('T');
    assertThat(ProcessTree.stateOf(99, proc)).isEqualTo((char) 0);
  }
}
