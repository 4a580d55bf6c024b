package dev.foyer.bench;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The admin API as every scenario calls it (docs/API.md, "Admin"): an event made or replaced, its
 * settings changed, its figures and the node's events read. Each call fails, saying what the node
 * answered, unless the node did what was asked.
 */
final class AdminCalls {

  /** One request and its answer as {status, body}, through the scenario's own client. */
  interface Exchange {
    Future<JsonObject> send(HttpMethod method, String path, String auth, JsonObject body);
  }

  private final Exchange exchange;
  private final String auth;

  AdminCalls(Exchange exchange, String adminKey) {
    this.exchange = exchange;
    this.auth = "Bearer " + adminKey;
  }

  static AdminCalls over(HttpClient http, String adminKey) {
    return new AdminCalls((method, path, auth, body) -> Api.call(http, method, path, auth, body), adminKey);
  }

  /** A new event (201): one the node already had would carry an earlier run's visitors and holds. */
  Future<String> create(String event, String name, JsonObject seats, JsonObject settings) {
    String path = "/api/admin/events/" + event;
    return exchange.send(HttpMethod.PUT, path, auth, body(name, seats, settings)).map(r -> {
      if (r.getInteger("status") != 201) {
        throw refused(HttpMethod.PUT, path, r);
      }
      return event;
    });
  }

  /** The event made or replaced whole: its name, seats and the settings given. */
  Future<JsonObject> put(String event, String name, JsonObject seats, JsonObject settings) {
    return call(HttpMethod.PUT, "/api/admin/events/" + event, body(name, seats, settings));
  }

  /** Only the settings named in {@code change}. */
  Future<JsonObject> settings(String event, JsonObject change) {
    return call(HttpMethod.PUT, "/api/admin/events/" + event + "/settings", change);
  }

  Future<JsonObject> stats(String event) {
    return call(HttpMethod.GET, "/api/admin/events/" + event + "/stats", null);
  }

  /** The node's events ({@code {"events": [...]}}). */
  Future<JsonObject> events() {
    return call(HttpMethod.GET, "/api/admin/events", null);
  }

  /** Any admin call: the answer's body; fails on any answer from 300 up. */
  Future<JsonObject> call(HttpMethod method, String path, JsonObject body) {
    return exchange.send(method, path, auth, body).map(r -> {
      if (r.getInteger("status") >= 300) {
        throw refused(method, path, r);
      }
      return r.getJsonObject("body");
    });
  }

  /**
   * Settings that let every visitor straight in and keep it for an hour (gate off, no stock pacing,
   * a house of a million): the scenarios that measure seats, not the line, add theirs.
   */
  static JsonObject straightIn() {
    return new JsonObject().put("gate", "off").put("stockPacing", false).put("maxActive", 1_000_000)
        .put("activeSeconds", 3600);
  }

  /** One section of {@code rows} x {@code perRow} seats, named {@code name}: seats {name}-{row}-{n}. */
  static JsonObject section(String name, int rows, int perRow) {
    return new JsonObject().put("sections", new JsonArray().add(new JsonObject().put("name", name)
        .put("rows", rows).put("seatsPerRow", perRow)));
  }

  /** {@code rows} rows of {@code perRow} seats in sections S0, S1, ... of {@code rowsPerSection} rows each. */
  static JsonObject sections(int rows, int perRow, int rowsPerSection) {
    JsonArray sections = new JsonArray();
    for (int s = 0, left = rows; left > 0; s++, left -= rowsPerSection) {
      sections.add(new JsonObject().put("name", "S" + s).put("rows", Math.min(rowsPerSection, left))
          .put("seatsPerRow", perRow));
    }
    return new JsonObject().put("sections", sections);
  }

  private static JsonObject body(String name, JsonObject seats, JsonObject settings) {
    return new JsonObject().put("name", name).put("seats", seats).put("settings", settings);
  }

  private static IllegalStateException refused(HttpMethod method, String path, JsonObject answer) {
    int status = answer.getInteger("status");
    return new IllegalStateException(method + " " + path + " answered " + status + ": "
        + answer.getJsonObject("body").encode() + (status == 401 || status == 403 ? " (check --admin-key)" : ""));
  }
}
