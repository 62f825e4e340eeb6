package io.baseimage.startup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The image version, {@code YYYY.MM-NNN}, written into the jar at build time. */
public final class Version {
  private Version() {}

  public static String current() {
    try (InputStream in = Version.class.getResourceAsStream("version.txt")) {
      return in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
