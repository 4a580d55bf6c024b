package dev.foyer.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A browser that stopped reading: a plain blocking socket on the bridge's raw websocket that sends
 * its registrations and then never reads a byte. A small receive buffer, and no client library
 * buffering on its behalf, so what the server sends piles up on the server's side.
 */
public final class StalledSocket implements AutoCloseable {

  private final Socket socket;
  private final OutputStream out;
  private final boolean sockJs;

  private StalledSocket(Socket socket, boolean sockJs) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.sockJs = sockJs;
  }

  /** On the bridge's raw websocket ({@code /eventbus/websocket}), as the harness and the stock client's raw mode. */
  public static StalledSocket connect(int port) throws IOException {
    return connect(port, "/eventbus/websocket", false);
  }

  /**
   * On SockJS's own websocket transport, the one SockJS in a browser picks: every frame a JSON
   * array of messages, and SockJS's session between the bridge and the websocket.
   */
  public static StalledSocket connectSockJs(int port) throws IOException {
    String session = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 41), 36);
    return connect(port, "/eventbus/" + ThreadLocalRandom.current().nextInt(100, 1000) + "/" + session
        + "/websocket", true);
  }

  private static StalledSocket connect(int port, String path, boolean sockJs) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(5000);
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    String head = readHead(socket.getInputStream());
    if (!head.startsWith("HTTP/1.1 101")) {
      socket.close();
      throw new IOException("the bridge refused the websocket: " + head);
    }
    return new StalledSocket(socket, sockJs);
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed during the handshake: " + head);
      }
      head.append((char) b);
    }
    return head.toString();
  }

  public StalledSocket register(String address, JsonObject headers) throws IOException {
    JsonObject frame = new JsonObject().put("type", "register").put("address", address);
    if (headers != null) {
      frame.put("headers", headers);
    }
    out.write(maskedTextFrame(sockJs ? new JsonArray().add(frame.encode()).encode() : frame.encode()));
    out.flush();
    return this;
  }

  /** A client's text frame: clients must mask what they send. */
  public static byte[] maskedTextFrame(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write(0x81);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length < 65_536) {
      frame.write(0x80 | 126);
      frame.write(payload.length >> 8);
      frame.write(payload.length & 0xff);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) payload.length >> shift) & 0xff);
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.write(mask, 0, 4);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    return frame.toByteArray();
  }

  @Override
  public void close() {
    try {
      socket.setSoLinger(true, 0); // a reset: nothing the server queued for it is worth waiting for
      socket.close();
    } catch (IOException e) {
      // already gone
    }
  }
}
