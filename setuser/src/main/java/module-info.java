/**
 * {@code /sbin/setuser}: switches to another user and group, completely and irreversibly, and
 * replaces itself with a command. A tool: it exports nothing.
 */
module io.baseimage.setuser {
  requires io.baseimage.startup;
}
