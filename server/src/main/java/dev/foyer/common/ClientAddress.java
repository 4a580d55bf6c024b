package dev.foyer.common;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Who a request really comes from, for the limits per client. The peer of the connection is the
 * client unless it is one of the configured trusted proxies (the shipped nginx); then the last
 * address in {@code X-Forwarded-For} that is not itself a trusted proxy is. A client can put
 * anything in that header, so without a trusted peer it is never read: otherwise one bot could
 * name a fresh address on every request.
 */
public final class ClientAddress {

  /** A client: its address, and the network it shares limits with (/24 for IPv4, /64 for IPv6). */
  public record Client(String address, String network, boolean unlimited) {
  }

  private final List<Cidr> trusted;
  private final List<Cidr> unlimited;
  /**
   * Clients worked out lately, by peer and header: a busy client sends many requests, and parsing
   * and printing addresses for each was a measurable part of a join. Emptied when full, so whoever
   * sends fresh headers (only a trusted proxy's are read) costs at most its size.
   */
  private final java.util.Map<String, Client> recent = new java.util.concurrent.ConcurrentHashMap<>();
  private static final int RECENT = 4096;

  public ClientAddress(List<String> trustedProxies, List<String> unlimitedClients) {
    this.trusted = parse(trustedProxies, "trustedProxies");
    this.unlimited = parse(unlimitedClients, "unlimitedClients");
  }

  /**
   * As {@link #of(String, String)} for a request with any number of X-Forwarded-For headers: they
   * are one list, in order (RFC 9110). A proxy that adds its own header line instead of extending
   * the client's (HAProxy's {@code option forwardfor}) puts the address it saw in the last line, so
   * reading only the first line would believe whatever the client wrote there.
   */
  public Client of(String peer, Collection<String> forwardedFor) {
    return of(peer, forwardedFor == null || forwardedFor.isEmpty() ? null : String.join(",", forwardedFor));
  }

  /** The client behind a connection from {@code peer} with this X-Forwarded-For (may be null). */
  public Client of(String peer, String forwardedFor) {
    String key = forwardedFor == null ? String.valueOf(peer) : peer + "|" + forwardedFor;
    Client known = recent.get(key);
    if (known == null) {
      if (recent.size() >= RECENT) {
        recent.clear();
      }
      known = parse(peer, forwardedFor);
      recent.put(key, known);
    }
    return known;
  }

  private Client parse(String peer, String forwardedFor) {
    byte[] peerBytes = bytes(peer);
    byte[] client = peerBytes;
    if (peerBytes != null && forwardedFor != null && matches(trusted, peerBytes)) {
      String[] hops = forwardedFor.split(",");
      for (int i = hops.length - 1; i >= 0; i--) {
        byte[] hop = bytes(hops[i].trim());
        if (hop == null) {
          break;
        }
        client = hop;
        if (!matches(trusted, hop)) {
          break;
        }
      }
    }
    if (client == null) {
      return new Client(String.valueOf(peer), String.valueOf(peer), false);
    }
    return new Client(text(client), network(client), matches(unlimited, client));
  }

  private static String network(byte[] address) {
    int keep = address.length == 4 ? 3 : 8;
    byte[] net = new byte[address.length];
    System.arraycopy(address, 0, net, 0, keep);
    return text(net) + (address.length == 4 ? "/24" : "/64");
  }

  private static String text(byte[] address) {
    try {
      return InetAddress.getByAddress(address).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The bytes of a literal address (never a name lookup); null for anything else. */
  static byte[] bytes(String literal) {
    if (literal == null || literal.isEmpty() || literal.length() > 45) {
      return null;
    }
    String s = literal.startsWith("[") && literal.endsWith("]") ? literal.substring(1, literal.length() - 1) : literal;
    boolean v4 = s.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    // an IPv6 literal starts with a hex digit or ':' (InetAddress looks up anything else as a name)
    boolean v6 = s.indexOf(':') >= 0 && s.charAt(0) != '.' && s.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
    if (!v4 && !v6) {
      return null;
    }
    if (v4) {
      return v4(s);
    }
    try {
      byte[] b = InetAddress.getByName(s).getAddress();
      // an IPv4-mapped IPv6 peer (::ffff:1.2.3.4) is the IPv4 client it maps
      return b;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /**
   * Four decimal parts of 0 to 255. Parsed here rather than by InetAddress, which looks up as a
   * host name (blocking the event loop on the resolver) a dotted quad it cannot read, such as 999.1.1.1.
   */
  private static byte[] v4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      if (parts[i].isEmpty() || parts[i].length() > 3) {
        return null;
      }
      int n = Integer.parseInt(parts[i]);
      if (n > 255) {
        return null;
      }
      out[i] = (byte) n;
    }
    return out;
  }

  private static boolean matches(List<Cidr> list, byte[] address) {
    for (Cidr c : list) {
      if (c.contains(address)) {
        return true;
      }
    }
    return false;
  }

  private record Cidr(byte[] base, int bits) {
    boolean contains(byte[] address) {
      if (address.length != base.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != base[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (base[full] & mask);
    }
  }

  private static List<Cidr> parse(List<String> entries, String setting) {
    List<Cidr> out = new ArrayList<>();
    for (String raw : entries) {
      String entry = raw.trim();
      if (entry.isEmpty()) {
        continue;
      }
      String[] parts = entry.split("/", 2);
      byte[] base = bytes(parts[0]);
      if (base == null) {
        throw new IllegalArgumentException(setting + ": '" + entry + "' is not an address or CIDR range"
            + " like 10.0.0.0/8 or ::1");
      }
      int bits = base.length * 8;
      if (parts.length == 2) {
        try {
          bits = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
          bits = -1;
        }
        if (bits < 0 || bits > base.length * 8) {
          throw new IllegalArgumentException(setting + ": '" + entry + "' has a bad prefix length");
        }
      }
      out.add(new Cidr(base, bits));
    }
    return List.copyOf(out);
  }
}
