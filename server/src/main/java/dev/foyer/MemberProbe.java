package dev.foyer;

import com.hazelcast.config.Config;
import com.hazelcast.config.TcpIpConfig;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Leaves out of the member list the addresses where a program that is not Hazelcast accepts
 * connections. Hazelcast 5.3 never gives up on such an address while it forms a cluster: the first
 * node asks every listed address to agree that it be master, a program that accepted the
 * connection but never speaks Hazelcast never answers (its connection never fails, so the address
 * is never set aside as a refused one is), and the node sits in TcpIpJoiner.claimMastership, ten
 * seconds a round, for as long as hazelcast.max.join.seconds allows (300 s). So one listener on any
 * of twenty member ports would keep the first node from starting. A Hazelcast member answers its protocol's three bytes ("HZC") with the same three at once;
 * whatever accepts and does not, within the answer time, is left out, and the log says so.
 *
 * <p>Two nodes starting together cannot leave each other out: each probes before it binds its own
 * port, so at most one of them finds the other bound and not yet answering, and the other one
 * keeps it and joins it once it is up.
 */
final class MemberProbe {

  private static final byte[] PROTOCOL = "HZC".getBytes(StandardCharsets.US_ASCII);
  private static final int THREADS = 64;

  /** The members kept, and those left out for accepting without answering as Hazelcast. */
  record Result(List<String> kept, List<String> foreign) {
  }

  private final int connectMillis;
  private final int answerMillis;

  MemberProbe(int connectMillis, int answerMillis) {
    this.connectMillis = connectMillis;
    this.answerMillis = answerMillis;
  }

  /**
   * Probes the members "host:port", up to {@link #THREADS} at once, within one deadline: about
   * connect + answer time for each batch of that many (name lookups included). An address not
   * judged by then stays listed, as it would be without the probe.
   */
  Result probe(List<String> members) {
    int threads = Math.max(1, Math.min(THREADS, members.size()));
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "foyer-member-probe");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Boolean>> judged = new ArrayList<>();
      for (String member : members) {
        judged.add(pool.submit(() -> isForeign(member)));
      }
      long batches = (members.size() + threads - 1) / threads;
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(batches * (connectMillis + answerMillis) + 2_000L);
      List<String> kept = new ArrayList<>();
      List<String> foreign = new ArrayList<>();
      for (int i = 0; i < members.size(); i++) {
        boolean out;
        try {
          out = judged.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (Exception e) {
          out = false; // not judged in time: Hazelcast decides, as it would without the probe
        }
        (out ? foreign : kept).add(members.get(i));
      }
      return new Result(kept, foreign);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Applies the probe to the tcp-ip members of this configuration; the members left out, or none. */
  List<String> apply(Config config) {
    TcpIpConfig tcp = config.getNetworkConfig().getJoin().getTcpIpConfig();
    if (!tcp.isEnabled() || tcp.getMembers().isEmpty()) {
      return List.of();
    }
    Result result = probe(tcp.getMembers());
    if (!result.foreign().isEmpty()) {
      tcp.setMembers(result.kept());
    }
    return result.foreign();
  }

  /** True when the address accepts a connection but does not answer Hazelcast's greeting in kind. */
  boolean isForeign(String member) {
    InetSocketAddress address = address(member);
    if (address == null || address.isUnresolved()) {
      return false;
    }
    try (Socket socket = new Socket()) {
      try {
        socket.connect(address, connectMillis);
      } catch (IOException notListening) {
        return false; // refused or unreachable: Hazelcast skips it until it answers
      }
      socket.setSoTimeout(answerMillis);
      socket.getOutputStream().write(PROTOCOL);
      socket.getOutputStream().flush();
      byte[] answer = new byte[PROTOCOL.length];
      InputStream in = socket.getInputStream();
      int read = 0;
      while (read < answer.length) {
        int n = in.read(answer, read, answer.length - read);
        if (n < 0) {
          return true; // it hung up on Hazelcast's greeting
        }
        read += n;
      }
      return !java.util.Arrays.equals(answer, PROTOCOL);
    } catch (SocketTimeoutException quiet) {
      return true;
    } catch (IOException e) {
      return true; // it accepted, then failed the greeting (reset): not a member
    }
  }

  /** "host:port" or "[v6]:port", as ClusterConfigs.withPorts writes members. */
  static InetSocketAddress address(String member) {
    int colon = member.lastIndexOf(':');
    if (colon <= 0) {
      return null;
    }
    String host = member.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      return new InetSocketAddress(host, Integer.parseInt(member.substring(colon + 1)));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
