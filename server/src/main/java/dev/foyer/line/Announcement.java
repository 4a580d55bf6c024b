package dev.foyer.line;

import io.vertx.core.json.JsonObject;

/**
 * An event's announcement as the operator posted it (or, {@code withdrawn}, the last one, taken
 * back). Ids only grow within an event: a page keeps the highest it has seen and ignores an older
 * frame, and a withdrawal of that id is final.
 */
public record Announcement(long id, String message, long at, String by, boolean withdrawn) {

  public static final String TYPE = "announcement";
  /** Plain text, shown as text on the pages; at most this many characters. */
  public static final int MAX_MESSAGE = 500;

  /** What pages are sent: {@code {type, id, message, at}}, {@code message} null once withdrawn. */
  public JsonObject frame() {
    return new JsonObject().put("type", TYPE).put("id", id).put("message", withdrawn ? null : message).put("at", at);
  }

  /** What the admin API answers: the frame and who posted it. */
  public JsonObject toJson() {
    JsonObject json = frame();
    json.remove("type");
    return json.put("by", by);
  }

  /** Reads a frame heard on the bus (null: not one). */
  static Announcement of(JsonObject frame) {
    if (frame == null || !TYPE.equals(frame.getString("type")) || frame.getLong("id") == null) {
      return null;
    }
    String message = frame.getString("message");
    return new Announcement(frame.getLong("id"), message, frame.getLong("at", 0L), null, message == null);
  }

  /** Whether this says more than {@code other}: a higher id, or the same one withdrawn. */
  boolean newerThan(Announcement other) {
    return other == null || id > other.id || (id == other.id && withdrawn && !other.withdrawn);
  }
}
