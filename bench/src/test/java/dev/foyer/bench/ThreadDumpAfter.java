package dev.foyer.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Prints every thread's stack to stderr if it is not closed in time: a stalled run then leaves
 * the evidence of what it waited on (a blocked event loop, a parked request) in the CI log.
 */
final class ThreadDumpAfter implements AutoCloseable {

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "thread-dump-after");
    t.setDaemon(true);
    return t;
  });

  private ThreadDumpAfter(long seconds, String what) {
    timer.schedule(() -> dump(what, seconds), seconds, TimeUnit.SECONDS);
  }

  static ThreadDumpAfter seconds(long seconds, String what) {
    return new ThreadDumpAfter(seconds, what);
  }

  private static void dump(String what, long seconds) {
    StringBuilder out = new StringBuilder("=== " + what + " still running after " + seconds + " s; threads:\n");
    for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
      out.append(info.toString());
      // ThreadInfo.toString cuts stacks at 8 frames; the rest is where a wait comes from
      StackTraceElement[] stack = info.getStackTrace();
      for (int i = 8; i < stack.length; i++) {
        out.append("\tat ").append(stack[i]).append('\n');
      }
    }
    System.err.print(out);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
