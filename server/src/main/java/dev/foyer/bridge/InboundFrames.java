package dev.foyer.bridge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The frames a browser sends, read by the bridge protocol's rules: browsers send nothing but pings,
 * registrations and unregistrations, in small JSON frames. A frame that is not one of those, or is
 * malformed, is answered with an {@code err} frame naming what was wrong and goes no further.
 */
final class InboundFrames {

  /** Browsers send only register, unregister and ping frames, a few hundred bytes each. */
  static final int MAX_FRAME_BYTES = 4096;

  /** Where a well-formed frame goes, and where a refusal is said. */
  interface Handler {
    void register(String address, JsonObject headers);

    void unregister(String address);

    void error(String address, String code, String message);

    /** A ping that asks for an answer ({@code "reply": true}): a page checking its socket. */
    void pong();
  }

  private InboundFrames() {
  }

  static void read(Buffer data, Handler to) {
    if (data.length() > MAX_FRAME_BYTES) {
      tooLarge(to);
      return;
    }
    JsonObject frame;
    try {
      frame = new JsonObject(data);
    } catch (RuntimeException e) {
      to.error(null, "invalid_json", "frames are JSON objects");
      return;
    }
    Object type = frame.getValue("type");
    Object address = frame.getValue("address");
    Object headers = frame.getValue("headers");
    if (address != null && !(address instanceof String)) {
      to.error(null, "invalid_address", "address must be a string");
      return;
    }
    if (headers != null && !(headers instanceof JsonObject)) {
      to.error((String) address, "invalid_headers", "headers must be an object of string values");
      return;
    }
    if (type == null) {
      to.error((String) address, "missing_type", "a frame needs a type");
      return;
    }
    if (!(type instanceof String kind)) {
      to.error((String) address, "invalid_type", "type must be a string");
      return;
    }
    switch (kind) {
      // pings only keep the socket open (the stock client sends one every 5 s, the pages every
      // 20 s); one asking for a reply is a page that woke up and wants to know its socket is alive
      case "ping" -> {
        if (Boolean.TRUE.equals(frame.getValue("reply"))) {
          to.pong();
        }
      }
      case "register" -> to.register((String) address, (JsonObject) headers);
      case "unregister" -> to.unregister((String) address);
      case "send", "publish" -> refuseSend((String) address, frame.getValue("replyAddress"), to);
      default -> to.error((String) address, "invalid_type", "unknown frame type '" + kind + "'");
    }
  }

  /** Also for a frame the transport itself dropped for its size. */
  static void tooLarge(Handler to) {
    to.error(null, "frame_too_large", "frames are at most " + MAX_FRAME_BYTES + " bytes");
  }

  /**
   * Browsers may not send. A send with a reply handler is answered on its reply address: the
   * official client hands an err frame on that address to the send's callback, and one on the
   * send's address only to the bus's onerror (or a handler registered there).
   */
  private static void refuseSend(String address, Object replyAddress, Handler to) {
    if (replyAddress != null && !(replyAddress instanceof String)) {
      to.error(address, "invalid_reply_address", "replyAddress must be a string");
      return;
    }
    to.error(replyAddress != null ? (String) replyAddress : address, "access_denied",
        "browsers may not send into foyer's event bus");
  }
}
