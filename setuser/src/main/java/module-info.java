/**
 * {@code /sbin/setuser}: switches to another user and group, completely and irreversibly, and
 * replaces itself with a command. A tool: it exports its entry point only to the runtime's main
 * module, io.baseimage.launchers.
 */
@SuppressWarnings("module")
module io.baseimage.setuser {
  requires io.baseimage.startup;

  exports io.baseimage.setuser to
      io.baseimage.launchers;
}
