package io.baseimage.myinit;

import io.baseimage.env.ContainerEnvironment;
import io.baseimage.env.Decoded;
import io.baseimage.env.DumpFile;
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
import java.util.Set;

/**
 * The environment directory and the dumps, as my_init imports and exports them (SPEC §1.6). Each
 * warning is logged once per run: a read-only {@code /etc} is one line, not one per script.
 */
final class EnvironmentStore {
  private final Layout layout;
  private final Log log;
  private final Set<String> warned = new HashSet<>();
  /** False once the directory could not be written: it then lacks the process's variables. */
  private boolean directoryHoldsEnvironment = true;
  private boolean notWritableWarned;

  EnvironmentStore(Layout layout, Log log) {
    this.layout = layout;
    this.log = log;
  }

  ContainerEnvironment importAtBoot(ContainerEnvironment process) {
    ContainerEnvironment env = EnvironmentImport.atBoot(readDirectory(), process);
    export(env);
    return env;
  }

  ContainerEnvironment importAfterScript(ContainerEnvironment current) {
    if (!directoryHoldsEnvironment) {
      return current;
    }
    ContainerEnvironment env = EnvironmentImport.afterScript(current, readDirectory());
    export(env);
    return env;
  }

  private ContainerEnvironment readDirectory() {
    try {
      Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(layout.environmentDirectory());
      warnAll(read.problems());
      return read.value();
    } catch (IOException e) {
      // Not root, for one: the image's directory is 0700 root.
      String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.toString();
      warnOnce("cannot read " + layout.environmentDirectory() + " (" + reason + "); its variables are not imported");
      directoryHoldsEnvironment = false;
      return ContainerEnvironment.empty();
    }
  }

  private void export(ContainerEnvironment env) {
    try {
      warnAll(EnvironmentDirectory.write(env, layout.environmentDirectory()));
    } catch (IOException e) {
      directoryHoldsEnvironment = false;
      warnNotWritten(e);
    }
    Decoded<byte[]> shell = ShellDump.format(env);
    warnAll(shell.problems());
    write(layout.shellDump(), shell.value());
    Decoded<byte[]> json = JsonDump.format(env);
    warnAll(json.problems());
    write(layout.jsonDump(), json.value());
  }

  private void write(Path dump, byte[] content) {
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
