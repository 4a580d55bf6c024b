package dev.foyer.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Hands an immutable object to a consumer on the same node as it is. A rendered seat map is
 * megabytes; the JSON codecs would copy it on every delivery. Never for clustered addresses.
 */
final class SameNodeCodec<T> implements MessageCodec<T, T> {

  private final String name;

  private SameNodeCodec(Class<T> type) {
    this.name = "foyer.same-node." + type.getName();
  }

  /** Registers the codec for {@code type} once per Vert.x (a redeployment finds it there already). */
  static synchronized <T> void register(EventBus bus, Class<T> type) {
    try {
      bus.registerDefaultCodec(type, new SameNodeCodec<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // the same codec, from an earlier deployment on this Vert.x
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    throw new IllegalStateException(value.getClass().getSimpleName() + " never leaves its node");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new IllegalStateException("a same-node value arrived from the wire");
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
