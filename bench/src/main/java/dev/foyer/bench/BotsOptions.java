package dev.foyer.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The {@code bots} scenario's options, bounded (defaults as in bench/README.md). */
record BotsOptions(int botJoins, int fans, int seconds, int hoard, List<Long> steps, int challenges,
                   double solveSeconds, int powJoins, long powDifficulty, int concurrency) {

  BotsOptions {
    if (botJoins < 1 || botJoins > 50_000 || fans < 1 || fans > 250 || seconds < 1 || seconds > 60 || hoard < 1
        || hoard > BotsHoarder.HOUSE_ROWS * BotsHoarder.HOUSE_PER_ROW / BotsHoarder.HOLD_SEATS || steps.isEmpty()
        || steps.size() > 10 || steps.stream().anyMatch(s -> s < 1 || s > 10_000_000) || challenges < 1
        || challenges > 10_000 || solveSeconds <= 0 || solveSeconds > 60 || powJoins < 2 || powJoins > 20_000
        || powDifficulty < 1 || powDifficulty > 1_000_000 || concurrency < 1 || concurrency > 256) {
      throw new IllegalArgumentException("bounded: 1-50,000 bot joins, 1-250 fans, 1-60 s, 1-500 hoarder joins,"
          + " 1-10 steps of 1-10,000,000, 1-10,000 challenges, 0-60 solve seconds, 2-20,000 PoW joins,"
          + " PoW difficulty 1-1,000,000, concurrency 1-256");
    }
  }

  /** From the command line's options, without the dashes. */
  static BotsOptions of(Map<String, String> o) {
    List<Long> steps = new ArrayList<>();
    for (String s : o.getOrDefault("steps", "1000,10000,50000,100000,250000,1000000").split(",")) {
      steps.add(Long.parseLong(s.trim()));
    }
    return new BotsOptions(Integer.parseInt(o.getOrDefault("bot-joins", "5000")),
        Integer.parseInt(o.getOrDefault("fans", "50")), Integer.parseInt(o.getOrDefault("seconds", "15")),
        Integer.parseInt(o.getOrDefault("hoard", "500")), steps,
        Integer.parseInt(o.getOrDefault("challenges", "200")),
        Double.parseDouble(o.getOrDefault("solve-seconds", "5")),
        Integer.parseInt(o.getOrDefault("pow-joins", "4000")),
        Long.parseLong(o.getOrDefault("pow-difficulty", "50000")),
        Integer.parseInt(o.getOrDefault("concurrency", "32")));
  }
}
