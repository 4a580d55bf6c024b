package dev.foyer.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The foyer process on this machine, by its pid (--server-pid): what /metrics cannot do or tell. */
final class ServerProcess {

  private static volatile Long clockTicks;

  private ServerProcess() {
  }

  /** A full GC of the server JVM (jcmd), so the heap read next counts live data, not garbage; no pid, nothing. */
  static void fullGc(String pid) throws Exception {
    if (pid != null) {
      new ProcessBuilder("jcmd", pid, "GC.run").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * The server's heap after a full GC, in bytes: {@code jcmd PID GC.run}, then {@code jstat -gc PID}'s
   * old generation and survivors (OU + S0U + S1U). Eden is left out: whatever is in it was allocated
   * after the GC, by the traffic still running between the two commands (G1, Parallel and Serial
   * collectors; null when the JVM cannot be read).
   */
  static Long heapAfterGc(String pid) throws Exception {
    fullGc(pid);
    Process jstat = new ProcessBuilder("jstat", "-gc", pid).redirectErrorStream(true).start();
    String out = new String(jstat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!jstat.waitFor(30, TimeUnit.SECONDS) || jstat.exitValue() != 0) {
      return null;
    }
    String[] lines = out.strip().split("\n");
    if (lines.length < 2) {
      return null;
    }
    String[] names = lines[0].trim().split("\\s+");
    String[] values = lines[lines.length - 1].trim().split("\\s+");
    double kib = 0;
    for (int i = 0; i < names.length && i < values.length; i++) {
      if (names[i].equals("OU") || names[i].equals("S0U") || names[i].equals("S1U")) {
        kib += Double.parseDouble(values[i]);
      }
    }
    return Math.round(kib * 1024);
  }

  /** CPU seconds the process has used, user and system ({@code /proc/PID/stat} utime + stime); null off Linux. */
  static Double cpuSeconds(String pid) {
    try {
      String stat = Files.readString(Path.of("/proc", pid, "stat"));
      // after "pid (comm) ": state is field 3, utime field 14, stime field 15
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) clockTicks();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The server's resident memory, heap and all (kernel socket buffers are not in it). */
  static Long rss(String pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not on Linux, or not this machine's process
    }
    return null;
  }

  /** The kernel's clock ticks a second for /proc's times (USER_HZ, 100 on Linux unless it says otherwise). */
  private static long clockTicks() {
    if (clockTicks == null) {
      long ticks = 100;
      try {
        Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
          ticks = Long.parseLong(out);
        }
      } catch (Exception e) {
        // keep 100
      }
      clockTicks = ticks;
    }
    return clockTicks;
  }
}
