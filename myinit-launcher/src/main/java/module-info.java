/**
 * {@code /sbin/my_init}: the init process of baseimage-amzn containers. A tool: it exports nothing.
 */
module io.baseimage.myinit {
  requires io.baseimage.startup;
}
