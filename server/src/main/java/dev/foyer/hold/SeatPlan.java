package dev.foyer.hold;

import dev.foyer.bus.HoldService.Item;
import dev.foyer.bus.HoldService.Priced;
import dev.foyer.event.Seat;
import dev.foyer.event.SeatLayout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * An event's layout as the seat room uses it: what each seat costs, which sections stand, and the
 * rows index that best available reads (one pattern per row, named by a token of the whole layout,
 * so loads of one layout on several nodes write the same rows).
 */
final class SeatPlan {

  final SeatLayout.Plan plan;
  private final Map<String, Seat> seats = new HashMap<>();
  final List<SeatMapStore.RowSpec> rows = new ArrayList<>();
  final String token;

  SeatPlan(SeatLayout.Plan plan) {
    this.plan = plan;
    Map<String, List<Seat>> byRow = new LinkedHashMap<>();
    for (Seat s : plan.seats()) {
      seats.put(s.id(), s);
      byRow.computeIfAbsent(s.rowKey(), k -> new ArrayList<>()).add(s);
    }
    CRC32 crc = new CRC32();
    byRow.forEach((row, list) -> {
      int longest = list.stream().mapToInt(Seat::number).max().orElse(0);
      char[] pattern = "-".repeat(longest).toCharArray();
      for (Seat s : list) {
        pattern[s.number() - 1] = SeatLayout.WHEELCHAIR.equals(s.accessible()) ? 'w'
            : SeatLayout.COMPANION.equals(s.accessible()) ? 'c' : '0';
      }
      Seat first = list.get(0);
      SeatMapStore.RowSpec spec = new SeatMapStore.RowSpec(row, first.rank(),
          first.category() == null ? "" : first.category(), new String(pattern));
      rows.add(spec);
      crc.update(spec.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    });
    plan.standing().forEach(a -> crc.update(a.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    this.token = String.format("%08x", crc.getValue());
  }

  boolean hasCategory(String id) {
    return plan.categories().containsKey(id);
  }

  /** Whether {@code section} is a section of seats (not standing). */
  boolean seated(String section) {
    return rows.stream().anyMatch(r -> r.row().startsWith(section + "-")
        && r.row().indexOf('-', section.length() + 1) < 0);
  }

  /** What these seats cost, seat by seat. */
  Priced seats(List<String> ids) {
    List<Item> items = new ArrayList<>(ids.size());
    for (String id : ids) {
      Seat s = seats.get(id);
      String category = s == null ? null : s.category();
      SeatLayout.Category c = plan.category(category);
      items.add(new Item(id, s == null ? null : s.section(), 1, category, c == null ? null : c.price()));
    }
    return new Priced(items, plan.currency());
  }

  /** What standing places cost. */
  Priced standing(String section, int count) {
    SeatLayout.Standing area = plan.standing(section);
    String category = area == null ? null : area.category();
    SeatLayout.Category c = plan.category(category);
    return new Priced(List.of(new Item(null, section, count, category, c == null ? null : c.price())), plan.currency());
  }

  /** A hold's seat list as scripts keep it: seat ids, or one standing token "@section:count". */
  static StandingToken standingToken(List<String> seats) {
    if (seats.size() == 1 && seats.get(0).startsWith("@")) {
      String token = seats.get(0);
      int colon = token.lastIndexOf(':');
      return new StandingToken(token.substring(1, colon), Integer.parseInt(token.substring(colon + 1)));
    }
    return null;
  }

  record StandingToken(String section, int count) {
  }
}
