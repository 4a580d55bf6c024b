package dev.foyer.bench;

import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Browsers that stopped reading: plain blocking sockets on the bridge's raw websocket that send
 * their registrations (their visitor, the event's progress and its seat map, what the waiting and
 * seat pages listen to) and never read a byte again. A 4 KB receive buffer and no client library
 * reading on their behalf, so what foyer sends them piles up on foyer's side.
 */
final class StalledSockets implements AutoCloseable {

  private final List<Socket> sockets = new ArrayList<>();

  /** Connects one socket per visitor, each registering the visitor's address, progress and seats. */
  static StalledSockets connect(int port, String event, List<String[]> visitors) throws IOException {
    StalledSockets all = new StalledSockets();
    try {
      for (String[] v : visitors) {
        Socket s = upgrade(port);
        all.sockets.add(s);
        var out = s.getOutputStream();
        out.write(frame(new JsonObject().put("type", "register").put("address", "foyer.event." + event)));
        out.write(frame(new JsonObject().put("type", "register").put("address", "foyer.seats." + event)));
        out.write(frame(new JsonObject().put("type", "register").put("address", "foyer.visitor." + v[0])
            .put("headers", new JsonObject().put("token", v[1]))));
        out.flush();
      }
    } catch (IOException e) {
      all.close();
      throw e;
    }
    return all;
  }

  int size() {
    return sockets.size();
  }

  private static Socket upgrade(int port) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    socket.setSoTimeout(10_000);
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    socket.getOutputStream().write(("GET /eventbus/websocket HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        socket.close();
        throw new IOException("the bridge closed during the websocket handshake: " + head);
      }
      head.append((char) b);
    }
    if (!head.toString().startsWith("HTTP/1.1 101")) {
      socket.close();
      throw new IOException("the bridge refused the websocket: " + head);
    }
    return socket;
  }

  /** A client's text frame; clients must mask what they send. */
  private static byte[] frame(JsonObject message) {
    byte[] payload = message.encode().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 8);
    frame.write(0x81);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else {
      frame.write(0x80 | 126);
      frame.write(payload.length >> 8);
      frame.write(payload.length & 0xff);
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.write(mask, 0, 4);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    return frame.toByteArray();
  }

  /** Resets them: nothing foyer queued for them is worth its kernel keeping. */
  @Override
  public void close() {
    for (Socket s : sockets) {
      try {
        s.setSoLinger(true, 0);
        s.close();
      } catch (IOException e) {
        // gone already
      }
    }
    sockets.clear();
  }
}
