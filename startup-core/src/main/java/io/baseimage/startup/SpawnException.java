package io.baseimage.startup;

import java.io.IOException;

/**
 * A command that could not be started, with the status a shell would exit with: 127 when it is not
 * found, 126 when it cannot be executed.
 */
public final class SpawnException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int shellStatus;

  public SpawnException(String message, int shellStatus) {
    super(message);
    this.shellStatus = shellStatus;
  }

  public int shellStatus() {
    return shellStatus;
  }
}
