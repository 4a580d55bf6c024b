package dev.foyer.event;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a layout's seats go, section after section: a section without an origin stands right of
 * those before it, past a gap; a grid's seats are one unit apart, row 1 at the top; each seat gets
 * its row's price category, its accessible mark and its best-available rank.
 */
final class SeatPlacement {

  private static final double SECTION_GAP = 2;
  /** Rows of one section rank together: section rank times this, plus the row. */
  private static final int RANK_STRIDE = 100_000;

  private final List<Seat> seats = new ArrayList<>();
  private final List<SeatLayout.Standing> standing = new ArrayList<>();
  /** Where the next section without an origin starts. */
  private double nextX = 0;

  void place(LayoutSection section) {
    double originX = section.x() == null ? nextX : section.x();
    double originY = section.y();
    if (section.area() != null) {
      LayoutSection.Area area = section.area();
      standing.add(new SeatLayout.Standing(section.name(), area.capacity(), section.category(), originX, originY,
          area.width(), area.height()));
      nextX = Math.max(nextX, originX + area.width() + SECTION_GAP);
      return;
    }
    LayoutSection.Seats own = section.seats();
    double maxX = originX;
    if (own.listed() != null) {
      for (LayoutSection.Listed s : own.listed()) {
        seats.add(seat(section, s.row(), s.number(), s.x(), s.y()));
        maxX = Math.max(maxX, s.x());
      }
    } else {
      for (int r = 1; r <= own.rows(); r++) {
        for (int n = 1; n <= own.perRow(); n++) {
          seats.add(seat(section, r, n, originX + n - 1, originY + r - 1));
        }
      }
      maxX = originX + own.perRow() - 1;
    }
    nextX = Math.max(nextX, maxX + 1 + SECTION_GAP);
  }

  private static Seat seat(LayoutSection section, int row, int number, double x, double y) {
    LayoutSection.Seats own = section.seats();
    String kind = own.accessible().getOrDefault(row, Map.of()).get(number);
    return new Seat(Seat.id(section.name(), row, number), section.name(), row, number, x, y,
        own.rowCategories().getOrDefault(row, section.category()), kind, section.rank() * RANK_STRIDE + row);
  }

  /** The seats placed so far, in layout order. */
  List<Seat> seats() {
    return seats;
  }

  List<SeatLayout.Standing> standing() {
    return standing;
  }
}
