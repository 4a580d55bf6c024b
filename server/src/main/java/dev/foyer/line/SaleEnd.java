package dev.foyer.line;

import dev.foyer.common.ApiError;
import io.vertx.core.json.JsonObject;

/**
 * An operator's end of a sale: {@code sold_out} (sold out for good, no returns) or {@code over}
 * (the sale is over), with the message everyone in line is shown. After it nobody joins or is
 * admitted.
 */
public record SaleEnd(String reason, String message) {

  public static final java.util.Set<String> REASONS = java.util.Set.of("sold_out", "over");
  public static final int MAX_MESSAGE = 500;

  /** What a join is answered after the end: 410 sale_ended, with the reason and the operator's message. */
  static ApiError refusal(String reason, String message) {
    return new ApiError(410, "sale_ended", message.isEmpty() ? defaultMessage(reason) : message,
        new JsonObject().put("reason", reason));
  }

  /** The English words of the pages' dictionary (the waiting page shows its own language's for these). */
  public static String defaultMessage(String reason) {
    return dev.foyer.common.Languages.text(dev.foyer.common.Languages.DEFAULT,
        "sold_out".equals(reason) ? "sale.ended.sold_out" : "sale.ended.over");
  }
}
