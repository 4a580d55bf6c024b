package dev.foyer.arch;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The house plan, read from the compiled classes with the JDK's jdeps: the four verticle rooms are
 * peers that never reach into each other; they meet on the lower floors (bus, bridge, line, event,
 * pass, common), which in turn know no room. Only the wiring (FoyerNode, Main) sees every room.
 */
class RoomsTest {

  private static final Set<String> ROOMS = Set.of("dev.foyer.ingress", "dev.foyer.queue", "dev.foyer.hold",
      "dev.foyer.push");
  private static final Set<String> WIRING = Set.of("dev.foyer.FoyerNode", "dev.foyer.Main");
  private static final Pattern EDGE = Pattern.compile("^\\s+(dev\\.foyer\\.[\\w.$]+)\\s+->\\s+(dev\\.foyer\\.[\\w.$]+)\\s");

  /** Every class-to-class edge among foyer's own classes, as jdeps reads them from the build. */
  private static List<String[]> edges() {
    Path classes = Path.of("target", "classes");
    assertTrue(Files.isDirectory(classes), "compiled classes at " + classes.toAbsolutePath());
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    StringWriter out = new StringWriter();
    int status = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:class", "-filter:none",
        classes.toString());
    assertEquals(0, status, out.toString());
    List<String[]> edges = new ArrayList<>();
    for (String line : out.toString().split("\n")) {
      Matcher m = EDGE.matcher(line);
      if (m.find()) {
        edges.add(new String[] {m.group(1), m.group(2)});
      }
    }
    assertTrue(edges.size() > 100, "jdeps listed the dependencies: " + edges.size());
    return edges;
  }

  @Test
  void noRoomReachesIntoAnotherAndNoFloorKnowsARoom() {
    Set<String> violations = new TreeSet<>();
    for (String[] edge : edges()) {
      String from = edge[0];
      String to = edge[1];
      String fromRoom = room(from);
      String toRoom = room(to);
      boolean fromWiring = WIRING.stream().anyMatch(w -> from.equals(w) || from.startsWith(w + "$"));
      if (toRoom != null && !toRoom.equals(fromRoom) && !fromWiring) {
        violations.add(from + " -> " + to);
      }
      if (WIRING.stream().anyMatch(w -> to.equals(w) || to.startsWith(w + "$")) && !fromWiring) {
        violations.add(from + " -> " + to + " (the wiring)");
      }
    }
    assertEquals(List.of(), List.copyOf(violations), "dependencies across rooms");
  }

  /**
   * The floors stack: a floor may lean on another, never both on each other, else neither can be
   * read, changed or tested without the other. The wiring and the rooms are left out (rooms are
   * checked above); the root package's configuration (FoyerConfig) counts as a floor.
   */
  @Test
  void noTwoFloorsLeanOnEachOther() {
    Map<String, Map<String, String>> floors = new TreeMap<>();
    for (String[] edge : edges()) {
      String from = floor(edge[0]);
      String to = floor(edge[1]);
      if (from != null && to != null && !from.equals(to)) {
        floors.computeIfAbsent(from, k -> new TreeMap<>()).putIfAbsent(to, edge[0] + " -> " + edge[1]);
      }
    }
    Set<String> cycles = new TreeSet<>();
    for (String start : floors.keySet()) {
      // a path back to where it started, found depth first, names one class edge per step
      Deque<String> path = new ArrayDeque<>();
      if (pathBack(start, start, floors, path, new HashSet<>())) {
        cycles.add(String.join(", ", path));
      }
    }
    assertEquals(List.of(), List.copyOf(cycles), "floors leaning on each other");
  }

  private static boolean pathBack(String at, String start, Map<String, Map<String, String>> floors,
                                  Deque<String> path, Set<String> seen) {
    for (Map.Entry<String, String> next : floors.getOrDefault(at, Map.of()).entrySet()) {
      path.addLast(next.getValue());
      if (next.getKey().equals(start)) {
        return true;
      }
      if (seen.add(next.getKey()) && pathBack(next.getKey(), start, floors, path, seen)) {
        return true;
      }
      path.removeLast();
    }
    return false;
  }

  /** The package of a class on a floor; null for a room or the wiring. */
  private static String floor(String className) {
    if (WIRING.stream().anyMatch(w -> className.equals(w) || className.startsWith(w + "$"))) {
      return null;
    }
    String pkg = className.substring(0, className.lastIndexOf('.'));
    return ROOMS.contains(pkg) ? null : pkg;
  }

  private static String room(String className) {
    String pkg = className.substring(0, className.lastIndexOf('.'));
    return ROOMS.contains(pkg) ? pkg : null;
  }
}
