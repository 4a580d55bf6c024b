package dev.foyer.event;

/**
 * One seat of an event's map; its id is {@code section-row-number}, as in {@code A-3-12}. The
 * category (null: none) names the price; {@code accessible} is null, {@code wheelchair} or
 * {@code companion}; {@code rank} orders rows for best available (lower is better).
 */
public record Seat(String id, String section, int row, int number, double x, double y, String category,
                   String accessible, int rank) {

  public Seat(String id, String section, int row, int number, double x, double y) {
    this(id, section, row, number, x, y, null, null, 0);
  }

  public static String id(String section, int row, int number) {
    return section + "-" + row + "-" + number;
  }

  /** The row's key, {@code section-row}: the seats of one row share it. */
  public String rowKey() {
    return section + "-" + row;
  }
}
