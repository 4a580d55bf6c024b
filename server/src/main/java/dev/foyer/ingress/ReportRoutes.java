package dev.foyer.ingress;

import dev.foyer.common.ApiError;
import dev.foyer.event.SalesRepository;
import dev.foyer.line.ReportStore;
import dev.foyer.line.SaleReport;
import dev.foyer.line.SaleReportCsv;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The sale's report and its list of sales, read-only, in JSON or ({@code ?format=csv}) CSV: the
 * report from what Redis counted as it happened, the sales from PostgreSQL. Mounted by
 * {@link AdminRoutes} beside the other admin reads.
 */
record ReportRoutes(ReportStore report, SalesRepository sales) {

  static final int DEFAULT_LIMIT = 1000;
  static final int MAX_LIMIT = 10_000;
  static final int MAX_OFFSET = 10_000_000;

  void report(RoutingContext ctx) {
    String event = ContextKeys.EVENT.get(ctx);
    boolean csv = csv(ctx);
    report.read(event).map(raw -> SaleReport.of(event, raw))
        .onSuccess(r -> {
          if (csv) {
            sendCsv(ctx, event + "-report.csv", SaleReportCsv.of(r));
          } else {
            Replies.json(ctx, 200, r.toJson());
          }
        })
        .onFailure(ctx::fail);
  }

  /** The sales, oldest first, {@code limit} (1 to 10,000, default 1,000) at a time from {@code offset}. */
  void reservations(RoutingContext ctx) {
    String event = ContextKeys.EVENT.get(ctx);
    boolean csv = csv(ctx);
    int offset = number(ctx, "offset", 0, 0, MAX_OFFSET);
    int limit = number(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    sales.sales(event, offset, limit)
        .onSuccess(page -> {
          Integer next = page.more() ? offset + page.sales().size() : null;
          if (csv) {
            if (next != null) {
              ctx.response().putHeader("Foyer-Next-Offset", String.valueOf(next));
            }
            sendCsv(ctx, event + "-reservations.csv", csv(page.sales()));
          } else {
            JsonArray list = new JsonArray();
            page.sales().forEach(s -> list.add(s.toJson()));
            Replies.json(ctx, 200, new JsonObject().put("event", event).put("reservations", list)
                .put("next", next));
          }
        })
        .onFailure(ctx::fail);
  }

  private static boolean csv(RoutingContext ctx) {
    String format = ctx.queryParams().get("format");
    if (format == null || format.equals("json")) {
      return false;
    }
    if (format.equals("csv")) {
      return true;
    }
    throw ApiError.badRequest("invalid_format", "format must be json or csv");
  }

  private static int number(RoutingContext ctx, String name, int fallback, int min, int max) {
    String raw = ctx.queryParams().get(name);
    if (raw == null) {
      return fallback;
    }
    if (!raw.matches("[0-9]{1,9}") || Integer.parseInt(raw) < min || Integer.parseInt(raw) > max) {
      throw ApiError.badRequest("invalid_query", name + " must be a whole number from " + min + " to " + max);
    }
    return Integer.parseInt(raw);
  }

  /** reservation_id, visitor, at, seats (space-separated), standing, places, categories ("id:places" space-separated), amount, currency. */
  static String csv(List<SalesRepository.Sale> list) {
    StringBuilder out = new StringBuilder("reservation_id,visitor,at,seats,standing,places,categories,amount,currency\r\n");
    for (SalesRepository.Sale s : list) {
      out.append(java.util.stream.Stream.of(s.reservationId(), s.visitor(), s.at().toString(),
          String.join(" ", s.seats()), s.standingSection() == null ? "" : s.standingSection(), String.valueOf(s.places()),
          s.categories().entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(" ")),
          s.amount() == null ? "" : String.valueOf(s.amount()), s.currency() == null ? "" : s.currency())
          .map(ReportRoutes::cell).collect(Collectors.joining(","))).append("\r\n");
    }
    return out.toString();
  }

  /**
   * One CSV cell that a spreadsheet reads as text: a visitor id may start with '-', which Excel
   * would take for a formula, so such a cell is quoted with a leading apostrophe (OWASP's advice).
   */
  static String cell(String value) {
    if (value.isEmpty() || "=+-@\t\r".indexOf(value.charAt(0)) < 0) {
      return value;
    }
    return "\"'" + value.replace("\"", "\"\"") + "\"";
  }

  private static void sendCsv(RoutingContext ctx, String filename, String body) {
    ctx.response().setStatusCode(200)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("Content-Disposition", "attachment; filename=\"" + filename + "\"")
        .end(body);
  }
}
