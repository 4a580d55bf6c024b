package dev.foyer;

import dev.foyer.support.RefusingPort;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which member addresses a starting node leaves out: those where a program accepts connections but
 * does not answer Hazelcast's greeting, on which Hazelcast 5.3 would wait for minutes before forming
 * a cluster. Free ports and real members stay.
 */
class MemberProbeTest {

  @Test
  void aListenerThatDoesNotAnswerAsHazelcastIsLeftOutAndTheRestStay() throws Exception {
    try (ServerSocket silent = listener(); ServerSocket member = listener(); ServerSocket talker = listener();
         RefusingPort down = new RefusingPort()) {
      answer(member, "HZC"); // what a Hazelcast member says back at once
      answer(talker, "HTTP/1.1 400 Bad Request\r\n\r\n");
      String free = "127.0.0.1:" + down.port();
      String silentAddress = "127.0.0.1:" + silent.getLocalPort();
      String memberAddress = "127.0.0.1:" + member.getLocalPort();
      String talkerAddress = "127.0.0.1:" + talker.getLocalPort();

      long start = System.nanoTime();
      MemberProbe.Result result = new MemberProbe(1000, 2000)
          .probe(List.of(silentAddress, free, memberAddress, talkerAddress, "unresolvable.invalid:5701"));
      long millis = (System.nanoTime() - start) / 1_000_000;

      assertEquals(List.of(silentAddress, talkerAddress), result.foreign());
      assertEquals(List.of(free, memberAddress, "unresolvable.invalid:5701"), result.kept(),
          "a free port may get a node later, an unknown host is Hazelcast's to report");
      assertTrue(millis < 10_000, "the probe is bounded by its answer time, all addresses at once: " + millis + " ms");
    }
  }

  private static ServerSocket listener() throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return socket;
  }

  /** Accepts connections and, once the three greeting bytes came, says this. */
  private static void answer(ServerSocket server, String reply) {
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          InputStream in = s.getInputStream();
          in.readNBytes(3);
          s.getOutputStream().write(reply.getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          in.read(); // until the prober hangs up
        } catch (IOException closed) {
          // the test is over, or the prober hung up
        }
      }
    }, "member-probe-test-" + server.getLocalPort());
    t.setDaemon(true);
    t.start();
  }
}
