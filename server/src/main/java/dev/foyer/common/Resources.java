package dev.foyer.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Text the jar carries (scripts, migrations, words, pages): read whole, or the node cannot start. */
public final class Resources {

  private Resources() {
  }

  /** The UTF-8 text at {@code path} on the class path; {@code what} names it when it is missing. */
  public static String text(String path, String what) {
    try (InputStream in = Resources.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing " + what + " " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
