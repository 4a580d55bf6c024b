package dev.foyer.arch;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  @Test
  void noRoomReachesIntoAnotherAndNoFloorKnowsARoom() {
    Path classes = Path.of("target", "classes");
    assertTrue(Files.isDirectory(classes), "compiled classes at " + classes.toAbsolutePath());
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    StringWriter out = new StringWriter();
    int status = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:class", "-filter:none",
        classes.toString());
    assertEquals(0, status, out.toString());

    Set<String> violations = new TreeSet<>();
    int edges = 0;
    for (String line : out.toString().split("\n")) {
      Matcher m = EDGE.matcher(line);
      if (!m.find()) {
        continue;
      }
      edges++;
      String from = m.group(1);
      String to = m.group(2);
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
    assertTrue(edges > 100, "jdeps listed the dependencies: " + edges);
    assertEquals(List.of(), List.copyOf(violations), "dependencies across rooms");
  }

  private static String room(String className) {
    String pkg = className.substring(0, className.lastIndexOf('.'));
    return ROOMS.contains(pkg) ? pkg : null;
  }
}
