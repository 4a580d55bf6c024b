package dev.foyer.bench;

import java.util.concurrent.TimeUnit;

/** The foyer process on this machine, by its pid (--server-pid): what /metrics cannot do or tell. */
final class ServerProcess {

  private ServerProcess() {
  }

  /** A full GC of the server JVM (jcmd), so the heap read next counts live data, not garbage; no pid, nothing. */
  static void fullGc(String pid) throws Exception {
    if (pid != null) {
      new ProcessBuilder("jcmd", pid, "GC.run").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** The server's resident memory, heap and all (kernel socket buffers are not in it). */
  static Long rss(String pid) {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc", pid, "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      // not on Linux, or not this machine's process
    }
    return null;
  }
}
