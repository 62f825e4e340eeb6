/** {@code /sbin/my_init}: the init process of baseimage-amzn containers. */
module io.baseimage.myinit {
  requires io.baseimage.startup;

  exports io.baseimage.myinit;
}
