package io.baseimage.myinit;

/**
 * A malformed setting in the environment my_init starts with: exit status 1, before anything runs.
 */
final class SettingsException extends Exception {
  private static final long serialVersionUID = 1L;

  SettingsException(String message) {
    super(message);
  }
}
