/**
 * {@code /sbin/my_init}: the init process of baseimage-amzn containers. A tool: it exports its
 * entry point only to the runtime's main module, io.baseimage.launchers.
 */
@SuppressWarnings("module")
module io.baseimage.myinit {
  requires io.baseimage.startup;

  exports io.baseimage.myinit to
      io.baseimage.launchers;
}
