package dev.foyer.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback port where nobody listens, held for as long as a test needs it: bound, so the kernel
 * gives it to no server started meanwhile (a port from {@link TestServices#freePort()} may come
 * back as the next {@code listen(0)}: a dead gate that turned out to be the test's own origin), and
 * never listening, so every connection to it is refused at once.
 */
public final class RefusingPort implements AutoCloseable {

  private final Socket socket = new Socket();

  public RefusingPort() {
    try {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return socket.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
