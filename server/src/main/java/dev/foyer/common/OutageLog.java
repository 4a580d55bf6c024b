package dev.foyer.common;

import org.slf4j.Logger;

/**
 * Says once that something stopped working and once that it works again, however often it fails in
 * between: an outage of Redis or PostgreSQL is one pair of log lines, not one line per tick.
 */
public final class OutageLog {

  private final Logger log;
  private boolean down;

  public OutageLog(Logger log) {
    this.log = log;
  }

  /** Logs a warning the first time after being healthy; true when it did. */
  public boolean failed(String message, Object... args) {
    if (down) {
      return false;
    }
    down = true;
    log.warn(message, args);
    return true;
  }

  /** Logs at info if it had failed (a null message logs nothing); true when it was down. */
  public boolean recovered(String message, Object... args) {
    if (!down) {
      return false;
    }
    down = false;
    if (message != null) {
      log.info(message, args);
    }
    return true;
  }
}
