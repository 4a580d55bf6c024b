package dev.foyer.devmode;

import dev.foyer.event.EventInfo;
import dev.foyer.event.EventLook;
import dev.foyer.event.EventRepository;
import dev.foyer.event.EventSettings;
import dev.foyer.event.SeatLayout;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event dev mode creates so that a fresh start shows a working waiting room: small capacity and
 * a slow admission rate, so a few browser tabs are enough to see a line form and move.
 */
public final class DemoEvent {

  public static final String ID = "demo";
  private static final Logger LOG = LoggerFactory.getLogger(DemoEvent.class);

  private DemoEvent() {
  }

  public static Future<Void> ensure(Pool pool) {
    EventRepository events = new EventRepository(pool);
    JsonObject layout = new JsonObject().put("sections", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("name", "A").put("rows", 8).put("seatsPerRow", 16))
        .add(new JsonObject().put("name", "B").put("rows", 8).put("seatsPerRow", 16)));
    EventSettings settings = EventSettings.defaults().merge(new JsonObject()
        .put("maxActive", 3).put("admitPerMinute", 6).put("activeSeconds", 120).put("gate", "on"));
    return events.find(ID).compose(existing -> {
      if (existing != null) {
        return Future.succeededFuture();
      }
      // named in Korean too, so the pages' switch shows what an event's own names do
      EventLook look = new EventLook(java.util.Map.of("ko", "데모 콘서트"), java.util.Map.of(), null);
      return events.save(new EventInfo(ID, "Demo concert", null, settings, null, look), layout, SeatLayout.expand(layout))
          .onSuccess(created -> LOG.info("Dev mode: created the demo event '{}' (3 at a time, 6 admitted a minute)", ID))
          .mapEmpty();
    });
  }
}
