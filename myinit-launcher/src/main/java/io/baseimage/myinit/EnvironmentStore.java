package io.baseimage.myinit;

import io.baseimage.env.ContainerEnvironment;
import io.baseimage.env.Decoded;
import io.baseimage.env.DumpFile;
import io.baseimage.env.Encoded;
import io.baseimage.env.EnvironmentDirectory;
import io.baseimage.env.EnvironmentImport;
import io.baseimage.env.JsonDump;
import io.baseimage.env.NotWritableException;
import io.baseimage.env.Problem;
import io.baseimage.env.ShellDump;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The environment directory and the dumps, as my_init imports and exports them (SPEC §1.6). Each
 * warning is logged once per run: a read-only {@code /etc} is one line, not one per script. A value
 * that could not be written to the directory is not lost: only what a script changes there is
 * re-imported.
 */
final class EnvironmentStore {
  private final Layout layout;
  private final Log log;
  private final Set<String> warned = new HashSet<>();
  /** False once the directory could not be read (not root, for one): there is nothing to re-import. */
  private boolean directoryReadable = true;
  /**
   * The directory as my_init last wrote it, read back before the next startup script: what that
   * script may change. Null until then; without startup scripts it is never read twice.
   */
  private ContainerEnvironment directorySeen;
  private boolean notWritableWarned;

  EnvironmentStore(Layout layout, Log log) {
    this.layout = layout;
    this.log = log;
  }

  ContainerEnvironment importAtBoot(ContainerEnvironment process) {
    removeLeftovers();
    ContainerEnvironment env = EnvironmentImport.atBoot(readDirectory(), process);
    export(env);
    return env;
  }

  /** Notes the directory as a startup script about to run finds it. */
  void beforeScript() {
    if (directoryReadable && directorySeen == null) {
      directorySeen = readDirectory();
    }
  }

  /**
   * Applies what the script changed in the directory since {@link #beforeScript} (SPEC §1.6),
   * then exports the result.
   */
  ContainerEnvironment importAfterScript(ContainerEnvironment current) {
    if (!directoryReadable) {
      return current;
    }
    ContainerEnvironment before = Objects.requireNonNull(directorySeen, "beforeScript() was not called");
    ContainerEnvironment after = readDirectory();
    if (!directoryReadable) {
      // The script made it unreadable (replaced it by a file, say): that deletes nothing.
      return current;
    }
    ContainerEnvironment env = EnvironmentImport.afterScript(current, before, after);
    export(env);
    return env;
  }

  /** Temporary files that a crash left mid-write hold secrets; at boot no other writer runs. */
  private void removeLeftovers() {
    try {
      EnvironmentDirectory.removeLeftovers(layout.environmentDirectory());
      DumpFile.removeLeftovers(layout.shellDump());
      DumpFile.removeLeftovers(layout.jsonDump());
    } catch (IOException e) {
      // Read-only or not ours: then nothing of ours can be left there either.
    }
  }

  private ContainerEnvironment readDirectory() {
    try {
      Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(layout.environmentDirectory());
      warnAll(read.problems());
      return read.value();
    } catch (IOException e) {
      // Not root, for one: the image's directory is 0750 root:docker_env.
      String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.toString();
      warnOnce("cannot read " + layout.environmentDirectory() + " (" + reason + "); its variables are not imported");
      directoryReadable = false;
      return ContainerEnvironment.empty();
    }
  }

  private void export(ContainerEnvironment env) {
    if (directoryReadable) {
      try {
        warnAll(EnvironmentDirectory.write(env, layout.environmentDirectory()));
      } catch (IOException e) {
        warnNotWritten(e);
      }
      directorySeen = null;
    }
    Encoded shell = ShellDump.format(env);
    warnAll(shell.problems());
    write(layout.shellDump(), shell.bytes());
    // Streamed: an environment of several MiB that is not UTF-8 triples in JSON (SPEC §1.2's
    // 8 MiB directory must fit in the heap the launcher gives, -Xmx96m).
    warnAll(JsonDump.problems(env));
    write(layout.jsonDump(), out -> JsonDump.write(env, out));
  }

  private void write(Path dump, byte[] content) {
    write(dump, out -> out.write(content));
  }

  private void write(Path dump, DumpFile.Content content) {
    try {
      DumpFile.write(dump, content);
    } catch (IOException e) {
      warnNotWritten(e);
    }
  }

  private void warnNotWritten(IOException e) {
    if (e instanceof NotWritableException notWritable) {
      if (!notWritableWarned) {
        notWritableWarned = true;
        log.warn("cannot save the environment to " + notWritable.path() + " (" + notWritable.reason()
            + "); the dumps are not updated, but every process started still gets the environment");
      }
    } else {
      warnOnce(e.getMessage());
    }
  }

  private void warnAll(List<Problem> problems) {
    problems.forEach(problem -> warnOnce(problem.toString()));
  }

  private void warnOnce(String message) {
    if (warned.add(message)) {
      log.warn(message);
    }
  }
}
