package dev.foyer.common;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Whole numbers from JSON, exactly: Jackson hands a large literal over as BigInteger or BigDecimal,
 * whose longValue() silently wraps (18446744073709551623 becomes 7), so ranges are checked on the
 * exact value before any narrowing.
 */
public final class WholeNumbers {

  private WholeNumbers() {
  }

  /** True when {@code n} has no fractional part (1.0 counts). */
  public static boolean isWhole(Number n) {
    return exact(n).stripTrailingZeros().scale() <= 0;
  }

  public static boolean within(Number n, long min, long max) {
    BigDecimal d = exact(n);
    return d.compareTo(BigDecimal.valueOf(min)) >= 0 && d.compareTo(BigDecimal.valueOf(max)) <= 0;
  }

  private static BigDecimal exact(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    if (n instanceof BigInteger i) {
      return new BigDecimal(i);
    }
    if (n instanceof Double || n instanceof Float) {
      return BigDecimal.valueOf(n.doubleValue());
    }
    return BigDecimal.valueOf(n.longValue());
  }
}
