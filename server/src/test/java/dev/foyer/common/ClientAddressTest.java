package dev.foyer.common;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who the client is: X-Forwarded-For believed only from a trusted proxy, and the network it shares. */
class ClientAddressTest {

  private final ClientAddress who = new ClientAddress(List.of("10.0.0.0/8", "::1"), List.of("192.0.2.0/24"));

  @Test
  void theHeaderIsIgnoredFromAnUntrustedPeer() {
    ClientAddress.Client c = who.of("203.0.113.9", "198.51.100.1");
    assertEquals("203.0.113.9", c.address());
    assertEquals("203.0.113.0/24", c.network());
  }

  @Test
  void aTrustedProxyNamesTheClientAndAClientCannotPrependAnother() {
    // the client sent "1.2.3.4" itself; nginx appended the real peer; the node sees nginx
    assertEquals("198.51.100.7", who.of("10.1.2.3", "1.2.3.4, 198.51.100.7").address());
    // two proxies in a row: the last address that is not a proxy
    assertEquals("198.51.100.7", who.of("10.1.2.3", "198.51.100.7, 10.9.9.9").address());
    // garbage in the header stops the walk at the last good address
    assertEquals("10.1.2.3", who.of("10.1.2.3", "not-an-address").address());
  }

  @Test
  void ipv6ClientsShareTheirSlash64AndNamesAreNeverLookedUp() {
    ClientAddress.Client c = who.of("::1", "2001:db8:1:2:aaaa:bbbb:cccc:dddd");
    assertEquals("2001:db8:1:2:0:0:0:0/64", c.network());
    assertEquals("example.com", who.of("example.com", (String) null).address());
    assertFalse(who.of("example.com", (String) null).unlimited());
  }

  @Test
  void severalHeaderLinesAreOneListSoAProxyAddingItsOwnLineIsBelieved() {
    // HAProxy's "option forwardfor" adds a line of its own after the one the client wrote
    assertEquals("198.51.100.7", who.of("10.1.2.3", List.of("1.2.3.4", "198.51.100.7")).address());
    assertEquals("198.51.100.7", who.of("10.1.2.3", List.of("5.6.7.8, 1.2.3.4", "198.51.100.7, 10.9.9.9")).address());
    assertEquals("10.1.2.3", who.of("10.1.2.3", List.<String>of()).address());
    assertEquals("203.0.113.9", who.of("203.0.113.9", List.of("1.2.3.4", "5.6.7.8")).address());
  }

  @Test
  void aDottedQuadOutOfRangeIsNoAddressAndIsNeverLookedUpAsAName() {
    // InetAddress would ask the resolver about these (on the event loop) before giving up
    for (String junk : List.of("999.1.1.1", "1.2.3.256", "1.2.3.4444", "1..2.3", ".:1", "[]")) {
      assertEquals(null, ClientAddress.bytes(junk), junk);
      assertEquals("10.1.2.3", who.of("10.1.2.3", junk).address(), junk);
    }
    assertEquals("1.2.3.4", who.of("10.1.2.3", "001.002.003.004").address());
    assertEquals("198.51.100.1", who.of("10.1.2.3", "::ffff:198.51.100.1").address(), "IPv4-mapped is the IPv4 client");
    assertEquals("2001:db8:0:0:0:0:0:1", who.of("10.1.2.3", "[2001:db8::1]").address());
  }

  @Test
  void unlimitedClientsAreTheResolvedOnes() {
    assertTrue(who.of("10.1.1.1", "192.0.2.50").unlimited());
    assertTrue(who.of("192.0.2.50", (String) null).unlimited());
    assertFalse(who.of("10.1.1.1", "198.51.100.1").unlimited());
  }

  @Test
  void aBadRangeStopsTheNode() {
    assertThrows(IllegalArgumentException.class, () -> new ClientAddress(List.of("10.0.0.0/40"), List.of()));
    assertThrows(IllegalArgumentException.class, () -> new ClientAddress(List.of("nginx"), List.of()));
  }
}
