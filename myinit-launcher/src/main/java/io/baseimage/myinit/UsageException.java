package io.baseimage.myinit;

/** A command line that my_init does not understand: exit status 2. */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
