package dev.foyer.event;

import dev.foyer.common.ApiError;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * Proof of work at join (an ALTCHA challenge): off; fixed at {@code difficulty}; or adaptive,
 * doubling from {@code difficulty} for every {@code rateStep} requests a second the event gets
 * cluster-wide, up to {@code maxDifficulty}, so an opening surge is spread out. The difficulty is
 * the largest secret number (ALTCHA's maxnumber): a browser tries half of it on average.
 */
public record PowSettings(Mode mode, int difficulty, int maxDifficulty, int rateStep, int expireSeconds) {

  public enum Mode {
    OFF, FIXED, ADAPTIVE;

    public String wire() {
      return SettingGroup.wire(this);
    }
  }

  private static final Set<String> KEYS = Set.of("mode", "difficulty", "maxDifficulty", "rateStep", "expireSeconds");

  public static PowSettings defaults() {
    return new PowSettings(Mode.OFF, 50_000, 1_000_000, 500, 120);
  }

  /** The difficulty of a challenge issued while the event gets {@code rate} requests a second. */
  public long difficultyAt(long rate) {
    if (mode != Mode.ADAPTIVE) {
      return difficulty;
    }
    long steps = Math.min(30, Math.max(0, rate) / rateStep);
    return Math.min(maxDifficulty, (long) difficulty << steps);
  }

  PowSettings merge(Object value) {
    JsonObject json = SettingGroup.object(value, "pow", KEYS, "{\"mode\": \"adaptive\"}");
    Mode m = SettingGroup.mode(json, "pow", mode, Mode.values());
    PowSettings s = new PowSettings(m,
        EventSettings.integer(json, "difficulty", difficulty, 1, 10_000_000),
        EventSettings.integer(json, "maxDifficulty", maxDifficulty, 1, 10_000_000),
        EventSettings.integer(json, "rateStep", rateStep, 1, 10_000_000),
        EventSettings.integer(json, "expireSeconds", expireSeconds, 10, 3600));
    if (s.maxDifficulty < s.difficulty) {
      throw ApiError.badRequest("invalid_setting", "pow maxDifficulty must be at or above difficulty");
    }
    return s;
  }

  public JsonObject toJson() {
    return new JsonObject().put("mode", mode.wire()).put("difficulty", difficulty).put("maxDifficulty", maxDifficulty)
        .put("rateStep", rateStep).put("expireSeconds", expireSeconds);
  }
}
