package io.baseimage.env;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The three stores of one container environment kept in step, as an init keeps them: at boot, and
 * around each startup script. Each step reads the environment directory, merges it into the
 * environment the caller holds, and writes the directory and both dumps from the result.
 *
 * <ul>
 *   <li>At boot, a variable of the process environment ({@code docker run -e}, {@code ENV}) wins
 *       over the file of the same name.
 *   <li>After a startup script, what the script changed in the directory — files it added, changed
 *       or removed — is applied to the current environment, and nothing else. A variable the script
 *       did not touch keeps its value: one given with {@code docker run -e} whose file could not be
 *       written (a symbolic link, a full disk), and {@link
 *       ContainerEnvironment#IDENTITY_VARIABLES}, which are never written there even where the
 *       image ships a default file for them ({@code HOME=/root}: phusion/baseimage-docker#119,
 *       #490). A script sets an identity variable by writing its file; removing the file does not
 *       unset it.
 * </ul>
 *
 * <p>Nothing is thrown and nothing is printed: what went wrong comes back with each result, and
 * each problem comes back once per instance (a read-only {@code /etc} is one problem at boot, not
 * one per startup script). A directory that cannot be read imports nothing and is not read or
 * written again; a store that cannot be written keeps its old content.
 *
 * <pre>{@code
 * EnvironmentStores stores = EnvironmentStores.of(Path.of("/etc/container_environment"),
 *     Path.of("/etc/container_environment.sh"), Path.of("/etc/container_environment.json"));
 * EnvironmentStores.Synced boot = stores.atBoot(ContainerEnvironment.ofProcess());
 * boot.problems().forEach(problem -> log.warn(problem.toString()));
 * ContainerEnvironment env = boot.environment();
 * for (Path script : startupScripts) {
 *   stores.beforeScript().forEach(problem -> log.warn(problem.toString()));
 *   run(script, env);
 *   EnvironmentStores.Synced after = stores.afterScript(env);
 *   after.problems().forEach(problem -> log.warn(problem.toString()));
 *   env = after.environment();
 * }
 * }</pre>
 *
 * <p>Not thread-safe: an init calls it from the one thread that runs its boot. No argument may be
 * null: each method throws {@link NullPointerException} naming it.
 */
public final class EnvironmentStores {
  private final Path directory;
  private final Path shellDump;
  private final Path jsonDump;

  /** The lines of the problems returned so far: none is returned twice. */
  private final Set<String> reported = new HashSet<>();

  /** The stores named so far by a {@link StoreProblem.NotWritable}: each is named once. */
  private final Set<Path> notWritable = new HashSet<>();

  /** False once the directory could not be read: there is nothing to re-import. */
  private boolean directoryReadable = true;

  /**
   * The directory as last written, read back before the next startup script: what that script may
   * change. Null until then; without startup scripts the directory is read only once.
   */
  private ContainerEnvironment directorySeen;

  private EnvironmentStores(Path directory, Path shellDump, Path jsonDump) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.shellDump = Objects.requireNonNull(shellDump, "shellDump");
    this.jsonDump = Objects.requireNonNull(jsonDump, "jsonDump");
  }

  /**
   * The stores at these paths; nothing is read or written yet.
   *
   * @param directory the environment directory, {@code /etc/container_environment} in the image
   * @param shellDump the shell dump, {@code /etc/container_environment.sh}
   * @param jsonDump the JSON dump, {@code /etc/container_environment.json}
   * @return the three stores
   */
  public static EnvironmentStores of(Path directory, Path shellDump, Path jsonDump) {
    return new EnvironmentStores(directory, shellDump, jsonDump);
  }

  /**
   * The boot: removes what a writer that crashed left beside the stores, reads the directory,
   * overlays {@code process} on it, and writes the directory and both dumps from the result.
   *
   * @param process the environment the init was started with
   * @return the merged environment, and what went wrong
   */
  public Synced atBoot(ContainerEnvironment process) {
    Objects.requireNonNull(process, "process");
    List<StoreProblem> problems = new ArrayList<>();
    removeLeftovers();
    Map<ByteString, ByteString> asWritten = new HashMap<>();
    ContainerEnvironment env = readDirectory(problems, asWritten).overlaidWith(process);
    write(env, asWritten, problems);
    return new Synced(env, problems);
  }

  /**
   * Notes the directory as the startup script about to run finds it: what {@link #afterScript}
   * compares with. Reads it only once after each write, and only when a script comes.
   *
   * @return the problems met reading it that were not returned before
   */
  public List<StoreProblem> beforeScript() {
    List<StoreProblem> problems = new ArrayList<>();
    if (directoryReadable && directorySeen == null) {
      directorySeen = readDirectory(problems, new HashMap<>());
    }
    return List.copyOf(problems);
  }

  /**
   * After a startup script: applies what it changed in the directory since {@link #beforeScript} to
   * {@code current}, and writes the directory and both dumps from the result. A directory that
   * cannot be read (the script replaced it by a file, say) changes nothing and deletes nothing.
   *
   * @param current the environment the script ran with
   * @return the environment with the script's changes, and what went wrong
   * @throws IllegalStateException if {@link #beforeScript} was not called since the last write
   */
  public Synced afterScript(ContainerEnvironment current) {
    Objects.requireNonNull(current, "current");
    List<StoreProblem> problems = new ArrayList<>();
    if (!directoryReadable) {
      return new Synced(current, problems);
    }
    if (directorySeen == null) {
      throw new IllegalStateException("beforeScript() was not called before the script");
    }
    Map<ByteString, ByteString> asWritten = new HashMap<>();
    ContainerEnvironment after = readDirectory(problems, asWritten);
    if (!directoryReadable) {
      return new Synced(current, problems);
    }
    ContainerEnvironment env = withScriptChanges(current, directorySeen, after);
    write(env, asWritten, problems);
    return new Synced(env, problems);
  }

  /**
   * {@code current} with what a script changed between {@code before} (the directory as last
   * written) and {@code after} (the directory now): see the rules above.
   */
  static ContainerEnvironment withScriptChanges(
      ContainerEnvironment current, ContainerEnvironment before, ContainerEnvironment after) {
    ContainerEnvironment result = current;
    for (var variable : after.asMap().entrySet()) {
      if (!variable.getValue().equals(before.asMap().get(variable.getKey()))) {
        result = result.with(variable.getKey(), variable.getValue());
      }
    }
    for (ByteString name : before.asMap().keySet()) {
      // Identity variables are never written to the directory, so a missing file says nothing
      // about them: only a file can set them.
      if (!after.asMap().containsKey(name)
          && !ContainerEnvironment.IDENTITY_VARIABLES.contains(name.toString())) {
        result = result.without(name);
      }
    }
    return result;
  }

  /**
   * Temporary files that a crash left mid-write may hold secrets; at boot no other writer runs. A
   * store we cannot list (read-only, not ours) cannot hold leftovers of ours either.
   */
  private void removeLeftovers() {
    try {
      EnvironmentDirectory.removeLeftovers(directory);
    } catch (IOException e) {
      // see above
    }
    // Both dumps are in /etc in the image: its listing is the longest here, read it once.
    boolean sameDirectory =
        shellDump.toAbsolutePath().getParent().equals(jsonDump.toAbsolutePath().getParent());
    for (Path dump : sameDirectory ? List.of(shellDump) : List.of(shellDump, jsonDump)) {
      try {
        DumpFile.removeLeftovers(dump);
      } catch (IOException e) {
        // see above
      }
    }
  }

  /** Reads the directory; {@code asWritten} gets what {@link EnvironmentDirectory#read} says. */
  private ContainerEnvironment readDirectory(
      List<StoreProblem> problems, Map<ByteString, ByteString> asWritten) {
    try {
      Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(directory, asWritten);
      reportAll(read.problems(), problems);
      return read.value();
    } catch (IOException e) {
      directoryReadable = false;
      String reason =
          e instanceof FileSystemException fse && fse.getReason() != null
              ? fse.getReason()
              : e.toString();
      report(new StoreProblem.Unreadable(directory, reason), problems);
      return ContainerEnvironment.empty();
    }
  }

  /** Writes all three stores; the files of {@code asWritten} were just read and are not again. */
  private void write(
      ContainerEnvironment env,
      Map<ByteString, ByteString> asWritten,
      List<StoreProblem> problems) {
    // A read-only /etc fails all three stores alike: one line names them.
    Map<NotWritableException.Reason, List<Path>> notWritableNow =
        new EnumMap<>(NotWritableException.Reason.class);
    if (directoryReadable) {
      try {
        reportAll(EnvironmentDirectory.write(directory, env, asWritten), problems);
      } catch (IOException e) {
        failed(directory, e, notWritableNow, problems);
      }
      directorySeen = null;
    }
    Encoded shell = ShellDump.format(env);
    reportAll(shell.problems(), problems);
    writeDump(shellDump, out -> out.write(shell.bytes().array()), notWritableNow, problems);
    // Streamed: a directory of up to EnvironmentDirectory.MAX_ENVIRONMENT_BYTES that is not UTF-8
    // triples in JSON, and an init's heap is small (my_init's -Xmx96m,
    // jlink-image/src/main/sh/build-overlay.sh).
    reportAll(JsonDump.problems(env), problems);
    writeDump(jsonDump, out -> JsonDump.writeJson(out, env), notWritableNow, problems);
    for (NotWritableException.Reason reason : NotWritableException.Reason.values()) {
      List<Path> stores = notWritableNow.get(reason);
      if (stores != null) {
        report(new StoreProblem.NotWritable(stores, reason), problems);
      }
    }
  }

  private void writeDump(
      Path dump,
      DumpFile.Content content,
      Map<NotWritableException.Reason, List<Path>> notWritableNow,
      List<StoreProblem> problems) {
    try {
      DumpFile.write(dump, content);
    } catch (IOException e) {
      failed(dump, e, notWritableNow, problems);
    }
  }

  /**
   * Reports why {@code store} could not be written: at once, or, if it may not be written at all,
   * into {@code notWritableNow}, unless it was named so before.
   */
  private void failed(
      Path store,
      IOException e,
      Map<NotWritableException.Reason, List<Path>> notWritableNow,
      List<StoreProblem> problems) {
    if (e instanceof NotWritableException refused) {
      if (notWritable.add(store)) {
        notWritableNow.putIfAbsent(refused.reason(), new ArrayList<>());
        notWritableNow.get(refused.reason()).add(store);
      }
      return;
    }
    report(new StoreProblem.WriteFailed(store, EnvironmentDirectory.reason(e)), problems);
  }

  private void reportAll(List<Problem> found, List<StoreProblem> problems) {
    found.forEach(problem -> report(problem, problems));
  }

  private void report(StoreProblem problem, List<StoreProblem> problems) {
    if (isNew(problem)) {
      problems.add(problem);
    }
  }

  private boolean isNew(StoreProblem problem) {
    return reported.add(problem.toString());
  }

  /**
   * The environment after a step, for every process started next, and what went wrong in it.
   *
   * @param environment the merged environment, whatever could be written
   * @param problems what went wrong, each not returned before by this instance, in the order met
   */
  public record Synced(ContainerEnvironment environment, List<StoreProblem> problems) {
    /**
     * Checks that neither component is null and copies {@code problems}.
     *
     * @throws NullPointerException naming the component that is null
     */
    public Synced {
      Objects.requireNonNull(environment, "environment");
      problems = List.copyOf(Objects.requireNonNull(problems, "problems"));
    }
  }
}
