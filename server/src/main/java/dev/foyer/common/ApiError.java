package dev.foyer.common;

import io.vertx.core.json.JsonObject;

/**
 * An error the client caused or must know about, carrying the contract's status and snake_case code.
 * Expected, so it is logged without a stack trace.
 */
public class ApiError extends RuntimeException {

  private final int status;
  private final String code;
  private final JsonObject extra;
  private long retryAfterSeconds;

  public ApiError(int status, String code, String message) {
    this(status, code, message, null);
  }

  public ApiError(int status, String code, String message, JsonObject extra) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.extra = extra;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** Seconds the client should wait before trying again (the Retry-After header), 0 for none. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** 429: this client asked too often; try again after {@code seconds}. */
  public static ApiError tooManyRequests(String code, String message, long seconds) {
    ApiError e = new ApiError(429, code, message, new JsonObject().put("retryAfterSeconds", seconds));
    e.retryAfterSeconds = seconds;
    return e;
  }

  public JsonObject toJson() {
    JsonObject body = new JsonObject().put("error", code).put("message", getMessage());
    if (extra != null) {
      body.mergeIn(extra);
    }
    return body;
  }

  public static ApiError badRequest(String code, String message) {
    return new ApiError(400, code, message);
  }

  public static ApiError unauthorized(String code, String message) {
    return new ApiError(401, code, message);
  }

  public static ApiError notFound(String code, String message) {
    return new ApiError(404, code, message);
  }

  public static ApiError dependencyDown(String what, Throwable cause) {
    return new ApiError(503, "dependency_down", what + " is unreachable right now; try again in a few seconds ("
        + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()) + ")");
  }
}
