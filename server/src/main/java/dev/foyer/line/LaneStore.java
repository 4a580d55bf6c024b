package dev.foyer.line;

import dev.foyer.common.EventStore;
import dev.foyer.common.Keys;
import dev.foyer.common.LuaScript;
import dev.foyer.event.EventSettings;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An event's lanes in Redis besides the line itself (lua/lib/lanes.lua): each lane's opening, and
 * the codes that enter a lane: made in bulk, listed with their uses left, revoked. A code's use is
 * taken by the join itself (join.lua), so nodes racing never overuse it.
 */
public class LaneStore extends EventStore {

  /** The most codes one event holds, used up ones included: a list of them stays one small read. */
  public static final int MAX_CODES = 50_000;
  /** 12 characters of 32 (no 0/O, 1/I): 60 random bits, and easy to read out or type. */
  private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  private static final int CODE_LENGTH = 12;

  private static final LuaScript OPEN_LANES = LuaScript.load("open_lanes");
  private static final LuaScript CODES_MAKE = LuaScript.load("codes_make");
  private static final LuaScript CODES_LIST = LuaScript.load("codes_list");

  private final SecureRandom random = new SecureRandom();

  public LaneStore(Redis redis, String prefix) {
    super(redis, prefix);
  }

  /** One code: its lane, how many joins it was made for and how many it has left. */
  public record Code(String code, String lane, long uses, long left) {
  }

  /**
   * Moves the pre-queue of each lane in {@code due} into the line, once; answers lane -> visitors
   * moved for the lanes this call opened.
   */
  public Future<Map<String, Long>> open(String event, List<String> due, EventSettings.Opening order, String seed) {
    Keys k = keys(event);
    List<Object> args = new ArrayList<>(List.of(order.wire(), seed == null ? "" : seed));
    args.addAll(due);
    return OPEN_LANES.run(redis, List.of(k.prequeue, k.waiting, k.meta, k.lanes), args).map(r -> {
      Map<String, Long> opened = new LinkedHashMap<>();
      for (int i = 0; i + 1 < r.size(); i += 2) {
        opened.put(r.get(i).toString(), r.get(i + 1).toLong());
      }
      return opened;
    });
  }

  /** How long the codes one Idempotency-Key made are remembered: a retry within it makes none. */
  static final long MAKE_KEY_MILLIS = 15 * 60_000L;

  /**
   * Codes one call made, with their lane and uses, or the same given back again for a retry under
   * the same Idempotency-Key (the first call's lane and uses, whatever the retry asks).
   */
  public record Made(String lane, int uses, List<String> codes, boolean replayed) {
  }

  /**
   * {@code count} new codes for {@code lane}; null when the event would hold more than
   * {@link #MAX_CODES}. With {@code idempotencyKey} (may be null), a retry answers the first call's codes.
   */
  public Future<Made> make(String event, String lane, int count, int uses, String idempotencyKey) {
    Keys k = keys(event);
    List<Object> args = new ArrayList<>(List.of(lane, uses, MAX_CODES, idempotencyKey == null ? 0 : MAKE_KEY_MILLIS));
    for (int i = 0; i < count; i++) {
      args.add(newCode());
    }
    return CODES_MAKE.run(redis, List.of(k.codes, k.codesMakeKey(idempotencyKey)), args)
        .map(r -> {
          if (r.type() != io.vertx.redis.client.ResponseType.MULTI) {
            return null;
          }
          List<String> codes = new ArrayList<>(r.size());
          for (int i = 3; i < r.size(); i++) {
            codes.add(r.get(i).toString());
          }
          return new Made(r.get(1).toString(), r.get(2).toInteger(), codes, "replayed".equals(r.get(0).toString()));
        });
  }

  /** The event's codes, of one lane unless {@code lane} is null. */
  public Future<List<Code>> list(String event, String lane) {
    return CODES_LIST.run(redis, List.of(keys(event).codes), List.of(lane == null ? "" : lane)).map(r -> {
      List<Code> codes = new ArrayList<>();
      for (int i = 0; i + 1 < r.size(); i += 2) {
        String[] parts = r.get(i + 1).toString().split("\\|");
        codes.add(new Code(r.get(i).toString(), parts[0], Long.parseLong(parts[2]), Long.parseLong(parts[1])));
      }
      codes.sort(java.util.Comparator.comparing(Code::code));
      return codes;
    });
  }

  /** Revokes a code: no join takes it from now on. False when there was no such code. */
  public Future<Boolean> revoke(String event, String code) {
    return redis.send(Request.cmd(Command.HDEL).arg(keys(event).codes).arg(code)).map(r -> r.toLong() == 1);
  }

  private String newCode() {
    char[] code = new char[CODE_LENGTH];
    for (int i = 0; i < code.length; i++) {
      code[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
    }
    return new String(code);
  }

  /** A code as a join or the admin gives it: 4 to 80 letters, digits, dashes or spaces, read in capitals without the dashes and spaces. */
  public static String normalize(Object value) {
    if (!(value instanceof String s) || !s.matches("[A-Za-z0-9 -]{4,80}")) {
      return null;
    }
    // people copy codes as K7QX-2M9R-TB4H or with spaces; the codes themselves have neither
    String code = s.replace("-", "").replace(" ", "").toUpperCase(java.util.Locale.ROOT);
    return code.length() < 4 ? null : code;
  }
}
