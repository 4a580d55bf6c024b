package dev.foyer.event;

/** One seat of an event's map; its id is {@code section-row-number}, as in {@code A-3-12}. */
public record Seat(String id, String section, int row, int number, double x, double y) {

  public static String id(String section, int row, int number) {
    return section + "-" + row + "-" + number;
  }
}
