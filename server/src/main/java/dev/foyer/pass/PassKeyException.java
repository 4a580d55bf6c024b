package dev.foyer.pass;

/**
 * A pass key that cannot be used: unreadable, invalid, or sealed under another FOYER_SECRET. The
 * message says what to fix; an operator needs no stack trace for it, so none is recorded.
 */
public class PassKeyException extends RuntimeException {

  public PassKeyException(String message) {
    super(message, null, false, false);
  }
}
