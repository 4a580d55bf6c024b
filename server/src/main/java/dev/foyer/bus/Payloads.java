package dev.foyer.bus;

import io.vertx.core.json.JsonArray;

import java.util.ArrayList;
import java.util.List;

final class Payloads {

  private Payloads() {
  }

  static List<String> strings(JsonArray array) {
    List<String> out = new ArrayList<>(array.size());
    for (Object o : array) {
      out.add((String) o);
    }
    return out;
  }
}
