package dev.foyer.line;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The sale's report as CSV: a header, one row per minute, then a row {@code total} for the whole
 * sale, which alone fills the last three columns (the wait's median and p90, the conversion).
 * Columns by category and by error code are those the report has, in the same order on every row.
 */
public final class SaleReportCsv {

  private SaleReportCsv() {
  }

  public static String of(SaleReport report) {
    Set<String> reasons = new LinkedHashSet<>(SaleReport.REASONS);
    reasons.addAll(report.totals().departures().keySet());
    Set<String> categories = new TreeSet<>();
    report.categories().forEach(c -> categories.add(c.id()));
    categories.addAll(report.totals().seats().keySet());
    Set<String> codes = new TreeSet<>(report.totals().refusals().keySet());

    List<String> header = new ArrayList<>(List.of("minute", "joins", "admissions"));
    header.addAll(reasons);
    header.addAll(List.of("holds", "purchases", "seats", "revenue"));
    categories.forEach(c -> header.add("seats_" + c));
    categories.forEach(c -> header.add("revenue_" + c));
    codes.forEach(c -> header.add("refused_" + c));
    header.addAll(List.of("wait_median_seconds", "wait_p90_seconds", "conversion"));

    StringBuilder out = new StringBuilder(String.join(",", header)).append("\r\n");
    Function<SaleReport.Figures, List<String>> row = f -> {
      List<String> cells = new ArrayList<>(List.of(String.valueOf(f.joins()), String.valueOf(f.admissions())));
      reasons.forEach(r -> cells.add(String.valueOf(f.departures().getOrDefault(r, 0L))));
      cells.addAll(List.of(String.valueOf(f.holds()), String.valueOf(f.purchases()), String.valueOf(f.seatsSold()),
          String.valueOf(f.revenueTotal())));
      categories.forEach(c -> cells.add(String.valueOf(f.seats().getOrDefault(c, 0L))));
      categories.forEach(c -> cells.add(String.valueOf(f.revenue().getOrDefault(c, 0L))));
      codes.forEach(c -> cells.add(String.valueOf(f.refusals().getOrDefault(c, 0L))));
      return cells;
    };
    for (Map.Entry<Long, SaleReport.Figures> m : report.minutes().entrySet()) {
      List<String> cells = new ArrayList<>(List.of(SaleReport.minuteText(m.getKey())));
      cells.addAll(row.apply(m.getValue()));
      cells.addAll(List.of("", "", ""));
      out.append(String.join(",", cells)).append("\r\n");
    }
    List<String> total = new ArrayList<>(List.of("total"));
    total.addAll(row.apply(report.totals()));
    Long median = report.waits().percentile(0.5);
    Long p90 = report.waits().percentile(0.9);
    Double conversion = report.conversion();
    total.add(median == null ? "" : String.valueOf(median));
    total.add(p90 == null ? "" : String.valueOf(p90));
    total.add(conversion == null ? "" : String.valueOf(conversion));
    out.append(String.join(",", total)).append("\r\n");
    return out.toString();
  }
}
