package dev.foyer.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/** The REST contract from a client's side, against one node's port. */
public final class ApiClient {

  private final WebClient client;
  private final int port;
  /** The client a trusted proxy names in X-Forwarded-For on every request; null: the peer itself. */
  private final String forwardedFor;

  public ApiClient(Vertx vertx, int port) {
    this(WebClient.create(vertx, new WebClientOptions().setKeepAlive(true),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64)), port, null);
  }

  private ApiClient(WebClient client, int port, String forwardedFor) {
    this.client = client;
    this.port = port;
    this.forwardedFor = forwardedFor;
  }

  /**
   * The same client speaking for {@code address}, as a trusted proxy would name it (the node must
   * trust loopback): a test's setup can come from an address the limits per client leave alone
   * while what it tests comes from one they count. It shares this client's connections; close this one.
   */
  public ApiClient forwardedFor(String address) {
    return new ApiClient(client, port, address);
  }

  public static JsonObject layout(int rows, int seatsPerRow) {
    return new JsonObject().put("sections", new JsonArray()
        .add(new JsonObject().put("name", "A").put("rows", rows).put("seatsPerRow", seatsPerRow)));
  }

  public Future<HttpResponse<Buffer>> putEvent(String event, JsonObject settings) {
    JsonObject body = new JsonObject().put("name", "Event " + event).put("seats", layout(5, 10));
    if (settings != null) {
      body.put("settings", settings);
    }
    return admin(HttpMethod.PUT, "/api/admin/events/" + event).sendJsonObject(body);
  }

  public Future<JsonObject> createEvent(String event, JsonObject settings) {
    return putEvent(event, settings).compose(r -> r.statusCode() == 201 || r.statusCode() == 200
        ? Future.succeededFuture(r.bodyAsJsonObject())
        : Future.failedFuture("creating event " + event + " answered " + r.statusCode() + " " + r.bodyAsString()));
  }

  public Future<HttpResponse<Buffer>> join(String event) {
    return request(HttpMethod.POST, "/api/events/" + event + "/visitors").send();
  }

  public Future<HttpResponse<Buffer>> rejoin(String event, String token) {
    return request(HttpMethod.POST, "/api/events/" + event + "/visitors").bearerTokenAuthentication(token).send();
  }

  public Future<HttpResponse<Buffer>> me(String event, String token) {
    return request(HttpMethod.GET, "/api/events/" + event + "/visitors/me").bearerTokenAuthentication(token).send();
  }

  public Future<HttpResponse<Buffer>> leave(String event, String token) {
    return request(HttpMethod.DELETE, "/api/events/" + event + "/visitors/me").bearerTokenAuthentication(token).send();
  }

  public Future<JsonObject> stats(String event) {
    return admin(HttpMethod.GET, "/api/admin/events/" + event + "/stats").send().map(HttpResponse::bodyAsJsonObject);
  }

  public Future<HttpResponse<Buffer>> setGate(String event, String mode) {
    return admin(HttpMethod.PUT, "/api/admin/events/" + event + "/gate").sendJsonObject(new JsonObject().put("mode", mode));
  }

  public Future<HttpResponse<Buffer>> hold(String event, String pass, String... seats) {
    return request(HttpMethod.POST, "/api/events/" + event + "/holds").bearerTokenAuthentication(pass)
        .sendJsonObject(new JsonObject().put("seats", new JsonArray(java.util.List.of((Object[]) seats))));
  }

  /** Creates or replaces an event with this layout (the {@code seats} spec) and settings. */
  public Future<HttpResponse<Buffer>> putLayout(String event, JsonObject layout, JsonObject settings) {
    return admin(HttpMethod.PUT, "/api/admin/events/" + event).sendJsonObject(new JsonObject()
        .put("name", "Event " + event).put("seats", layout).put("settings", settings));
  }

  /** A hold with any body ({@code seats}, {@code best} or {@code standing}); {@code idempotencyKey} may be null. */
  public Future<HttpResponse<Buffer>> holdWith(String event, String pass, JsonObject body, String idempotencyKey) {
    HttpRequest<Buffer> request = request(HttpMethod.POST, "/api/events/" + event + "/holds").bearerTokenAuthentication(pass);
    if (idempotencyKey != null) {
      request.putHeader("Idempotency-Key", idempotencyKey);
    }
    return request.sendJsonObject(body);
  }

  public Future<HttpResponse<Buffer>> release(String event, String pass, String holdId) {
    return request(HttpMethod.DELETE, "/api/events/" + event + "/holds/" + holdId).bearerTokenAuthentication(pass).send();
  }

  public Future<HttpResponse<Buffer>> confirm(String event, String pass, String holdId) {
    return request(HttpMethod.POST, "/api/events/" + event + "/holds/" + holdId + "/confirm")
        .bearerTokenAuthentication(pass).send();
  }

  /** Seat id -> status, as GET .../seats answers. */
  public Future<java.util.Map<String, String>> seatStatuses(String event) {
    return request(HttpMethod.GET, "/api/events/" + event + "/seats").send().map(r -> {
      java.util.Map<String, String> out = new java.util.TreeMap<>();
      r.bodyAsJsonObject().getJsonArray("seats").forEach(o -> {
        JsonObject seat = (JsonObject) o;
        out.put(seat.getString("id"), seat.getString("status"));
      });
      return out;
    });
  }

  /** Joins an event whose gate is off, so the visitor is active at once with a pass. */
  public Future<JsonObject> admitted(String event) {
    return join(event).map(r -> {
      JsonObject body = r.bodyAsJsonObject();
      if (!"active".equals(body.getString("state"))) {
        throw new IllegalStateException("expected to be let straight in: " + body);
      }
      return body;
    });
  }

  /** The sum of a counter's or gauge's series in the node's /metrics (0 when it has none yet). */
  public Future<Double> metric(String name) {
    return request(HttpMethod.GET, "/metrics").send().map(r -> r.bodyAsString().lines()
        .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum());
  }

  public HttpRequest<Buffer> admin(HttpMethod method, String path) {
    return request(method, path).bearerTokenAuthentication(TestSetup.ADMIN_KEY);
  }

  /** An admin call with an operator key of the test's making (see {@code POST /api/admin/keys}). */
  public HttpRequest<Buffer> withKey(String key, HttpMethod method, String path) {
    return request(method, path).bearerTokenAuthentication(key);
  }

  public HttpRequest<Buffer> request(HttpMethod method, String path) {
    HttpRequest<Buffer> request = client.request(method, port, "127.0.0.1", path);
    return forwardedFor == null ? request : request.putHeader("X-Forwarded-For", forwardedFor);
  }

  public void close() {
    client.close();
  }
}
