package io.baseimage.env;

import java.io.IOException;

/** A dump that cannot be read back: not the format this library writes. */
public final class MalformedDumpException extends IOException {
  private static final long serialVersionUID = 1L;

  public MalformedDumpException(String message) {
    super(message);
  }

  public MalformedDumpException(String message, Throwable cause) {
    super(message, cause);
  }
}
